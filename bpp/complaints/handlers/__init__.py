"""IGM actions, one module per action, each with `async def handle(services, request)`."""
