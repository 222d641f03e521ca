"""The public JSON contract (marshmallow schemas); the OpenAPI document is generated from these."""
