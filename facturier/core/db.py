"""Database helpers the ORM lacks.

``rows_update(objs, fields)`` writes the given fields of many model instances by primary key, as
``Model.objects.bulk_update`` does, but as one prepared ``UPDATE … WHERE pk = %s`` executed for
every row (``executemany``: a pipeline on psycopg 3) instead of one statement of ``CASE WHEN``
expressions per field: building and compiling those expressions costs the ORM about a millisecond
per row, more than the database takes to write it. Values go through each field's
``get_db_prep_save``, as ``save()`` would send them (time zones, JSON, file names).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router


def rows_update(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """``UPDATE`` ``fields`` of each of ``objs`` (instances of one model, already saved) by pk."""
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model or obj.pk is None for obj in objs):
        raise ValueError("rows_update needs saved instances of one model")
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    if any(not field.concrete or field.primary_key or field.many_to_many for field in columns):
        raise ValueError(f"rows_update cannot write {list(fields)} of {meta.label}")
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sql = "UPDATE %s SET %s WHERE %s = %%s" % (
        quote(meta.db_table),
        ", ".join("%s = %%s" % quote(field.column) for field in columns),
        quote(meta.pk.column),
    )
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
        + [meta.pk.get_db_prep_save(obj.pk, connection)]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
