"""What every area of the BPP builds on: settings, logins, background loops, shared versions, HTTP helpers."""
