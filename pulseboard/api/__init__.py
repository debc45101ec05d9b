"""HTTP routers, one module per resource; no business logic here."""
