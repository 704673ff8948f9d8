"""AWS's wire formats as the local AWS receives and answers them.

* :mod:`.services`: what botocore's service models say (protocol, signing name, target prefix,
  operations, which operations need no signature);
* :mod:`.envelope`: the parsed request every layer reads;
* :mod:`.sigv4`: Signature Version 4 claims, canonical request, chunk signatures;
* :mod:`.authentication`: known keys, scope, time and signature checks, and their refusals;
* :mod:`.errors`: every error body (S3 XML, JSON 1.0/1.1, query XML).
"""

from .envelope import ENVIRON_KEY, Principal, RequestEnvelope, envelope_of
from .errors import Denial, WireError

__all__ = ["ENVIRON_KEY", "Denial", "Principal", "RequestEnvelope", "WireError", "envelope_of"]
