"""Helpers for the Amazon Cognito identity pools course.

``connect()`` picks the AWS the notebooks talk to (the local AWS by default, a real account only by
explicit opt-in) and gives a ready boto3 session. The local AWS itself is :mod:`helpers.local_aws`.
"""

from .target import RealAWSNotAllowed, Target, connect

__all__ = ["RealAWSNotAllowed", "Target", "connect"]
