"""DynamoDB's TransactWriteItems on moto, without a copy of every table it touches.

moto deep-copies each table a transaction names before writing, to roll back when a condition
fails: a cost that grows with the table (and its stream records) on every upload grant, and a
refused grant swaps the copy in for the table object the stream and the snapshot hold. Under
the item lock (atomic_items), checking every condition first and writing only when all hold is
the same all-or-nothing, with nothing copied. (An update expression moto cannot apply would
fail after earlier items were written; the service only sends expressions moto applies.)"""

from __future__ import annotations

from typing import Any

_OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


def check_then_write(backend: Any, transact_items: list[dict[str, Any]]) -> None:
    """moto's DynamoDBBackend.transact_write_items, conditions first, then the writes."""
    from moto.dynamodb.exceptions import (
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    operations = [_operation(backend, item) for item in transact_items]
    keys = [(op["TableName"], repr(sorted(key.items()))) for _, op, key in operations]
    if len(set(keys)) != len(keys):
        raise MultipleTransactionsException()
    errors = [_failure(backend, op, key) for _, op, key in operations]
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)
    for kind, op, key in operations:
        _write(backend, kind, op, key)


def _operation(backend: Any, item: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(kind, its parameters, the key it names) of one transaction item."""
    from moto.dynamodb.exceptions import TransactWriteSingleOpException

    if len(item) != 1:
        raise TransactWriteSingleOpException()
    kind, op = next(iter(item.items()))
    if kind not in _OPERATIONS:
        raise ValueError("Unsupported transaction operation")
    if kind != "Put":
        return kind, op, op["Key"]
    table = backend.get_table(op["TableName"])
    attrs = op["Item"]
    names = [table.hash_key_attr, *([table.range_key_attr] if table.range_key_attr else [])]
    return kind, op, {name: attrs[name] for name in names}


def _failure(backend: Any, op: dict[str, Any], key: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(code, message, item) when the item's condition fails, else (None, None, None)."""
    from moto.dynamodb.comparisons import get_filter_expression

    expression = op.get("ConditionExpression")
    if expression is None:
        return None, None, None
    current = backend.get_item(op["TableName"], key)
    condition = get_filter_expression(
        expression, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    )
    if condition.expr(current):
        return None, None, None
    wants_item = op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current
    item = current.to_json()["Attributes"] if wants_item else None
    return "ConditionalCheckFailed", "The conditional request failed", item


def _write(backend: Any, kind: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    table = op["TableName"]
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    if kind == "Put":
        backend.put_item(table, op["Item"], expression_attribute_names=names,
                         expression_attribute_values=values)
    elif kind == "Delete":
        backend.delete_item(table, key, expression_attribute_names=names,
                            expression_attribute_values=values)
    elif kind == "Update":
        backend.update_item(table, key, update_expression=op["UpdateExpression"],
                            expression_attribute_names=names or {},
                            expression_attribute_values=values or {})
