"""Drawing certificates: plain data in, PDF bytes out. No Django, no queries: the services
prepare everything (texts with their fields filled, image bytes, the verification URL)."""
