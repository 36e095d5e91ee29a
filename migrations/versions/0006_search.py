"""full-text search: the search_index table, with a GIN index (PostgreSQL) or an FTS5 table (SQLite)

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

import dajian.engines.sqltypes

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

SQLITE_UP = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content='search_index', content_rowid='id')",
    """CREATE TRIGGER search_index_ai AFTER INSERT ON search_index BEGIN
         INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens);
       END""",
    """CREATE TRIGGER search_index_ad AFTER DELETE ON search_index BEGIN
         INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);
       END""",
    """CREATE TRIGGER search_index_au AFTER UPDATE ON search_index BEGIN
         INSERT INTO search_fts(search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);
         INSERT INTO search_fts(rowid, tokens) VALUES (new.id, new.tokens);
       END""",
]
SQLITE_DOWN = ["DROP TRIGGER search_index_au", "DROP TRIGGER search_index_ad", "DROP TRIGGER search_index_ai",
               "DROP TABLE search_fts"]
POSTGRES_UP = ["CREATE INDEX ix_search_index_tsv ON search_index USING gin (to_tsvector('simple'::regconfig, tokens))"]
POSTGRES_DOWN = ["DROP INDEX ix_search_index_tsv"]


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    op.create_table('search_index',
    sa.Column('id', ID, autoincrement=True, nullable=False),
    sa.Column('app_id', ID, nullable=False),
    sa.Column('form_key', sa.String(length=63), nullable=False),
    sa.Column('record_id', ID, nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.Column('updated_at', dajian.engines.sqltypes.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_search_index_app_id_apps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_index')),
    sa.UniqueConstraint('app_id', 'form_key', 'record_id', name=op.f('uq_search_index_app_id_form_key_record_id'))
    )
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})
    op.drop_table('search_index')
