"""Open Referral UK v3: JSON shapes, the official schemas (copied, CC BY-SA 4.0) and our
published OpenAPI document."""
