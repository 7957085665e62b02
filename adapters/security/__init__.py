"""Security adapters: Django's password hashers, JWT access tokens, OIDC via JWKS."""
