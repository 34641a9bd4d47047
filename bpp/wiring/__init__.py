"""How the application is put together: app, services, settings, auth, HTTP errors, background loops."""
