"""Facts about the local AWS that every part of it shares."""

#: The region the local AWS is used in unless told otherwise.
DEFAULT_REGION = "us-east-1"

#: moto's account: every resource the local AWS creates belongs to it.
ACCOUNT_ID = "123456789012"

#: Credentials of the local administrator. Not secret: they only ever reach the local AWS.
ADMIN_ACCESS_KEY_ID = "testing"
ADMIN_SECRET_ACCESS_KEY = "testing"
