"""HTTP routers, one per area: web chat and pages, LINE webhook, Rasa's action endpoint, health."""
