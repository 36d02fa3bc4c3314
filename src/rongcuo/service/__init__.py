"""The service layer: small command handlers over the store (a unit of work)."""
