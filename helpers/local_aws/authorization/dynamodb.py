"""Amazon DynamoDB requests as IAM sees them: ``dynamodb:<Operation>`` on the table or index ARN.

Sources: "Actions, resources, and condition keys for Amazon DynamoDB" (Service Authorization Reference)
and "Using IAM policy conditions for fine-grained access control" (DynamoDB Developer Guide), which
define the condition keys mapped here:

* ``dynamodb:LeadingKeys``: the partition key values the request touches (the key of GetItem, PutItem,
  UpdateItem, DeleteItem; every key of a batch; the equality on the partition key in a Query's key
  condition). The request does not say which attribute is the partition key, so the caller supplies
  ``partition_key_of``. Scan has no leading keys.
* ``dynamodb:Attributes``: the top-level attribute names the request reads or writes: key attributes,
  the item's attributes, projection and update expressions (not condition or filter expressions).
* ``dynamodb:Select``: for reads, the ``Select`` in effect: the request's own, else
  ``SPECIFIC_ATTRIBUTES`` when it projects, else ``ALL_ATTRIBUTES`` (``ALL_PROJECTED_ATTRIBUTES`` on an
  index), as the API Reference defines the default. Without it, the documented
  ``"StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}`` guard would let a read without
  a projection return every attribute.
* ``dynamodb:ReturnValues`` and ``dynamodb:ReturnConsumedCapacity``: as sent.

Transactions are authorized per item with the item action (TransactWriteItems' Put needs
``dynamodb:PutItem``, a ConditionCheck ``dynamodb:ConditionCheckItem``) and carry
``dynamodb:EnclosingOperation``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Protocol

from .request import AuthorizationRequest, ContextValue, MappedOperation, global_context, header, unmapped
from .signing import SigningInfo, extract_signing

SERVICE = "dynamodb"
TARGET_PREFIX = "DynamoDB_20120810."


class PartitionKeyOf(Protocol):
    """Returns the partition key attribute name of a table (or of its index ``index_name``), or ``None``
    when the table or index does not exist."""

    def __call__(self, table_name: str, index_name: str | None = None) -> str | None: ...


#: Operations without resource-level permissions. ListTables is evaluated against every table of the
#: region: AWS's denial names ``arn:aws:dynamodb:<region>:<account>:table/*``.
_ACCOUNT_OPERATIONS = frozenset(
    {
        "DescribeLimits",
        "DescribeEndpoints",
        "ListBackups",
        "ListGlobalTables",
        "ListExports",
        "ListImports",
        "ListContributorInsights",
        "DescribeReservedCapacity",
        "DescribeReservedCapacityOfferings",
    }
)
_ITEM_OPERATIONS = frozenset({"GetItem", "PutItem", "UpdateItem", "DeleteItem"})
_PARTIQL_OPERATIONS = frozenset({"ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"})

_TABLE_ARN = re.compile(r"arn:[^:]+:dynamodb:[^:]*:[^:]*:table/([A-Za-z0-9_.-]+)")
_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,255}")
_TOKEN = re.compile(r"\s*(#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|[A-Za-z][A-Za-z0-9_]*|\d+|<>|<=|>=|[=<>(),.\[\]+-])")
_KEYWORDS = frozenset({"and", "or", "not", "between", "in", "set", "remove", "add", "delete"})


class _BadRequest(Exception):
    """The request body is not what DynamoDB accepts; DynamoDB would answer ValidationException."""


def _object(body: dict[str, Any], field: str) -> dict[str, Any]:
    value = body.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _BadRequest(f"{field} must be an object")
    return value


def _list(body: dict[str, Any], field: str) -> list[Any]:
    value = body.get(field)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _BadRequest(f"{field} must be a list")
    return value


def _string(body: dict[str, Any], field: str) -> str | None:
    value = body.get(field)
    if value is not None and not isinstance(value, str):
        raise _BadRequest(f"{field} must be a string")
    return value


def _tokens(expression: str) -> list[str]:
    tokens, position = [], 0
    expression = expression.rstrip()
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            raise _BadRequest(f"cannot read the expression {expression!r}")
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def _name(token: str, names: dict[str, str]) -> str:
    if token.startswith("#"):
        if token not in names:
            raise _BadRequest(f"the expression attribute name {token} is not defined")
        return names[token]
    return token


def _is_name(token: str) -> bool:
    return token.startswith("#") or (token[0].isalpha() and token.lower() not in _KEYWORDS)


def _roots(expression: str | None, names: dict[str, str]) -> list[str]:
    """The top-level attribute names an expression refers to (``a.b[0]`` refers to ``a``)."""
    if not expression:
        return []
    if not isinstance(expression, str):
        raise _BadRequest("an expression must be a string")
    tokens = _tokens(expression)
    roots = []
    for i, token in enumerate(tokens):
        if not _is_name(token):
            continue
        if i > 0 and tokens[i - 1] == ".":
            continue  # a nested path element
        if i + 1 < len(tokens) and tokens[i + 1] == "(" and not token.startswith("#"):
            continue  # a function such as begins_with(...)
        roots.append(_name(token, names))
    return roots


def _value(attribute_value: Any) -> str:
    """A key attribute value as the string IAM compares (partition keys are S, N or B)."""
    if isinstance(attribute_value, dict) and len(attribute_value) == 1:
        ((kind, value),) = attribute_value.items()
        if kind in ("S", "N", "B") and isinstance(value, str):
            return value
    raise _BadRequest("a key attribute value must be a single S, N or B value")


def _key_condition_leading_keys(body: dict[str, Any], partition_key: str) -> list[str]:
    """The partition key value of a Query: ``pk = :v`` in KeyConditionExpression, or legacy KeyConditions."""
    names = _object(body, "ExpressionAttributeNames")
    values = _object(body, "ExpressionAttributeValues")
    expression = _string(body, "KeyConditionExpression")
    if expression:
        tokens = _tokens(expression)
        for i in range(1, len(tokens) - 1):
            if tokens[i] != "=":
                continue
            left, right = tokens[i - 1], tokens[i + 1]
            for name, value in ((left, right), (right, left)):
                if _is_name(name) and value.startswith(":") and _name(name, names) == partition_key:
                    if value not in values:
                        raise _BadRequest(f"the expression attribute value {value} is not defined")
                    return [_value(values[value])]
        return []
    condition = _object(body, "KeyConditions").get(partition_key)
    if isinstance(condition, dict) and condition.get("ComparisonOperator") == "EQ":
        return [_value(v) for v in _list(condition, "AttributeValueList")]
    return []


def _projection(body: dict[str, Any]) -> list[str] | None:
    names = _object(body, "ExpressionAttributeNames")
    if body.get("ProjectionExpression"):
        return _roots(_string(body, "ProjectionExpression"), names)
    attributes = _list(body, "AttributesToGet")
    if attributes:
        if not all(isinstance(name, str) for name in attributes):
            raise _BadRequest("AttributesToGet must list strings")
        return attributes
    return None


def _select(body: dict[str, Any], projection: list[str] | None, on_index: bool) -> str:
    select = _string(body, "Select")
    if select:
        return select
    if projection is not None:
        return "SPECIFIC_ATTRIBUTES"
    return "ALL_PROJECTED_ATTRIBUTES" if on_index else "ALL_ATTRIBUTES"


class _Mapper:
    def __init__(
        self,
        region: str,
        account_id: str,
        partition_key_of: PartitionKeyOf | None,
        base_context: dict[str, ContextValue],
        partition: str,
    ) -> None:
        self.region, self.account_id, self.partition = region, account_id, partition
        self.partition_key_of = partition_key_of
        self.base_context = base_context

    def table(self, table: Any) -> tuple[str, str]:
        """``(table name, table ARN)``; a TableName may also be the table's ARN."""
        if not isinstance(table, str):
            raise _BadRequest("TableName must be a string")
        match = _TABLE_ARN.fullmatch(table)
        if match:
            return match.group(1), table
        if not _TABLE_NAME.fullmatch(table):
            raise _BadRequest(f"{table!r} is not a valid table name")
        return table, f"arn:{self.partition}:dynamodb:{self.region}:{self.account_id}:table/{table}"

    def partition_key(self, table: str, index: str | None = None) -> str | None:
        if self.partition_key_of is None:
            return None
        return self.partition_key_of(table) if index is None else self.partition_key_of(table, index)

    def request(
        self,
        action: str,
        resource: str,
        leading_keys: list[str] | None = None,
        attributes: list[str] | None = None,
        **keys: str | None,
    ) -> AuthorizationRequest:
        context = dict(self.base_context)
        if leading_keys:
            context["dynamodb:LeadingKeys"] = sorted(set(leading_keys))
        if attributes:
            context["dynamodb:Attributes"] = sorted(set(attributes))
        for name, value in keys.items():
            if value is not None:
                context[f"dynamodb:{name}"] = value
        return AuthorizationRequest(SERVICE, f"dynamodb:{action}", [resource], context)

    def leading_keys(self, table: str, keys: list[Any]) -> list[str]:
        if not all(isinstance(key, dict) for key in keys):
            raise _BadRequest("a key must be an object")
        partition_key = self.partition_key(table)
        if partition_key is None:
            return []
        return [_value(key[partition_key]) for key in keys if partition_key in key]

    def item_request(self, action: str, body: dict[str, Any], **extra: str | None) -> AuthorizationRequest:
        """GetItem, PutItem, UpdateItem, DeleteItem, and the items of transactions."""
        name, arn = self.table(body.get("TableName"))
        names = _object(body, "ExpressionAttributeNames")
        key = _object(body, "Item" if action == "PutItem" else "Key")
        if not key:
            raise _BadRequest(f"it needs {'an Item' if action == 'PutItem' else 'a Key'}")
        attributes = list(key)
        keys: dict[str, str | None] = {
            "ReturnValues": _string(body, "ReturnValues"),
            "ReturnConsumedCapacity": _string(body, "ReturnConsumedCapacity"),
        }
        if action == "GetItem":
            projection = _projection(body)
            attributes += projection or []
            keys["Select"] = _select(body, projection, on_index=False)
        elif action == "UpdateItem":
            attributes += _roots(_string(body, "UpdateExpression"), names)
            attributes += list(_object(body, "AttributeUpdates"))
        keys.update(extra)
        return self.request(action, arn, self.leading_keys(name, [key]), attributes, **keys)

    def query_or_scan(self, operation: str, body: dict[str, Any]) -> AuthorizationRequest:
        name, arn = self.table(body.get("TableName"))
        index = _string(body, "IndexName")
        if index is not None:
            if not _TABLE_NAME.fullmatch(index):
                raise _BadRequest("IndexName is not valid")
            arn = f"{arn}/index/{index}"
        projection = _projection(body)
        attributes = list(projection or [])
        leading: list[str] = []
        if operation == "Query":
            names = _object(body, "ExpressionAttributeNames")
            attributes += _roots(_string(body, "KeyConditionExpression"), names)
            attributes += list(_object(body, "KeyConditions"))
            partition_key = self.partition_key(name, index)
            if partition_key is not None:
                leading = _key_condition_leading_keys(body, partition_key)
        return self.request(
            operation,
            arn,
            leading,
            attributes,
            Select=_select(body, projection, on_index=index is not None),
            ReturnConsumedCapacity=_string(body, "ReturnConsumedCapacity"),
        )

    def batch_get(self, body: dict[str, Any]) -> list[AuthorizationRequest]:
        requests = []
        for table, spec in _request_items(body).items():
            if not isinstance(spec, dict):
                raise _BadRequest("each RequestItems entry of BatchGetItem must be an object")
            name, arn = self.table(table)
            keys = _list(spec, "Keys")
            projection = _projection(spec)
            attributes = [a for key in keys if isinstance(key, dict) for a in key] + (projection or [])
            if not keys:
                raise _BadRequest("it needs Keys for every table")
            requests.append(
                self.request(
                    "BatchGetItem",
                    arn,
                    self.leading_keys(name, keys),
                    attributes,
                    Select=_select(spec, projection, on_index=False),
                    ReturnConsumedCapacity=_string(body, "ReturnConsumedCapacity"),
                )
            )
        return requests

    def batch_write(self, body: dict[str, Any]) -> list[AuthorizationRequest]:
        requests = []
        for table, writes in _request_items(body).items():
            name, arn = self.table(table)
            if not isinstance(writes, list):
                raise _BadRequest("each RequestItems entry of BatchWriteItem must be a list")
            keys = []
            for write in writes:
                if not isinstance(write, dict):
                    raise _BadRequest("a BatchWriteItem request must be an object")
                put, delete = _object(write, "PutRequest"), _object(write, "DeleteRequest")
                item = _object(put, "Item") if put else _object(delete, "Key")
                if not item:
                    raise _BadRequest(
                        "a BatchWriteItem request needs a PutRequest Item or a DeleteRequest Key"
                    )
                keys.append(item)
            attributes = [a for item in keys for a in item]
            requests.append(
                self.request(
                    "BatchWriteItem",
                    arn,
                    self.leading_keys(name, keys),
                    attributes,
                    ReturnConsumedCapacity=_string(body, "ReturnConsumedCapacity"),
                )
            )
        return requests

    def transaction(self, operation: str, body: dict[str, Any]) -> list[AuthorizationRequest]:
        actions = (
            {"Get": "GetItem"}
            if operation == "TransactGetItems"
            else {
                "Put": "PutItem",
                "Update": "UpdateItem",
                "Delete": "DeleteItem",
                "ConditionCheck": "ConditionCheckItem",
            }
        )
        items = _list(body, "TransactItems")
        if not items:
            raise _BadRequest(f"{operation} needs TransactItems")
        requests = []
        for entry in items:
            if not isinstance(entry, dict) or len(entry) != 1 or next(iter(entry)) not in actions:
                raise _BadRequest(f"each TransactItems entry must be one of {', '.join(actions)}")
            kind, spec = next(iter(entry.items()))
            if not isinstance(spec, dict):
                raise _BadRequest(f"{kind} must be an object")
            action = actions[kind]
            # ConditionCheck has a Key like DeleteItem; reuse the item mapping under its own action name.
            mapped = self.item_request(
                "DeleteItem" if action == "ConditionCheckItem" else action, spec, EnclosingOperation=operation
            )
            requests.append(
                AuthorizationRequest(SERVICE, f"dynamodb:{action}", mapped.resources, mapped.context)
            )
        return requests

    def other(self, operation: str, body: dict[str, Any]) -> AuthorizationRequest:
        if operation == "ListTables":
            arn = f"arn:{self.partition}:dynamodb:{self.region}:{self.account_id}:table/*"
            return self.request(operation, arn)
        if operation in _ACCOUNT_OPERATIONS:
            return self.request(operation, "*")
        for field in ("TableName", "TargetTableName"):
            if field in body:
                return self.request(operation, self.table(body[field])[1])
        for field in ("ResourceArn", "BackupArn", "ExportArn", "ImportArn"):
            if isinstance(body.get(field), str) and body[field].startswith(f"arn:{self.partition}:dynamodb:"):
                return self.request(operation, body[field])
        if isinstance(body.get("GlobalTableName"), str) and _TABLE_NAME.fullmatch(body["GlobalTableName"]):
            arn = f"arn:{self.partition}:dynamodb::{self.account_id}:global-table/{body['GlobalTableName']}"
            return self.request(operation, arn)
        raise _BadRequest(f"{operation} names no table or resource this module knows")


def _request_items(body: dict[str, Any]) -> dict[str, Any]:
    items = body.get("RequestItems")
    if not isinstance(items, dict) or not items:
        raise _BadRequest("RequestItems must be a non-empty object")
    return items


def map_dynamodb_request(
    environ: dict[str, Any],
    body: bytes,
    *,
    account_id: str,
    partition_key_of: PartitionKeyOf | None = None,
    region: str | None = None,
    signing: SigningInfo | None = None,
    partition: str = "aws",
    document: Any = None,
) -> MappedOperation:
    """Map a DynamoDB JSON 1.0 request (``X-Amz-Target: DynamoDB_20120810.<Operation>``) to IAM checks.

    ``region`` defaults to the signature's credential scope (the region the client called), then
    ``us-east-1``. Without ``partition_key_of`` no ``dynamodb:LeadingKeys`` are computed, so policies
    conditioned on them see the key as absent. ``document`` is the body already parsed (the front
    door's), so it is not parsed twice.
    """
    target = header(environ, "X-Amz-Target") or ""
    if not target.startswith(TARGET_PREFIX):
        return unmapped(SERVICE, f"X-Amz-Target {target!r} is not a DynamoDB (2012-08-10) operation")
    operation = target[len(TARGET_PREFIX) :]
    if operation in _PARTIQL_OPERATIONS:
        return unmapped(SERVICE, "PartiQL statements are not supported", operation)
    if signing is None:
        signing = extract_signing(environ, body)
    region = region or (signing.region if signing else None) or "us-east-1"
    try:
        parsed = document if document is not None else json.loads(body or b"{}")
    except ValueError:
        return unmapped(SERVICE, "the request body is not JSON", operation)
    if not isinstance(parsed, dict):
        return unmapped(SERVICE, "the request body is not a JSON object", operation)
    mapper = _Mapper(region, account_id, partition_key_of, global_context(environ, region), partition)
    try:
        if operation in _ITEM_OPERATIONS:
            requests = [mapper.item_request(operation, parsed)]
        elif operation in ("Query", "Scan"):
            requests = [mapper.query_or_scan(operation, parsed)]
        elif operation == "BatchGetItem":
            requests = mapper.batch_get(parsed)
        elif operation == "BatchWriteItem":
            requests = mapper.batch_write(parsed)
        elif operation in ("TransactGetItems", "TransactWriteItems"):
            requests = mapper.transaction(operation, parsed)
        else:
            requests = [mapper.other(operation, parsed)]
    except _BadRequest as error:
        return unmapped(SERVICE, f"{operation}: {error}", operation)
    return MappedOperation(SERVICE, operation, requests)
