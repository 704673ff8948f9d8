"""Cognito user pools (``cognito-idp``): moto's model, with tokens the local AWS signs itself.

moto signs user pool tokens with a key whose private half ships inside its package, so anyone could
forge a token that passes. The local AWS lets moto run every user pool operation, then re-signs the ID
and access tokens moto issues with a key generated for this run (:mod:`.signing_key`), adds the claims
AWS's ID tokens carry for groups with roles (:mod:`.token_issuer`), and serves the pool's keys at
``/<userPoolId>/.well-known/jwks.json`` (:mod:`.responses`).
"""
