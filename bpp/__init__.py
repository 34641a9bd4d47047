"""Seva Mitra BPP: the application that puts Seva Mitra home services on the ONDC network."""
