"""The supervision systems' service layer: bodies and their obligations (and their sweep),
case classifications and risk points, and the reports built over the record."""
