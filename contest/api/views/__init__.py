"""The API's views, version 1. They validate with serializers and call the services."""
