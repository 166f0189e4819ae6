"""listening queries and matches

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 21:52:20.219782
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hearth.kit.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('listening_queries',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('query', sa.Text(), nullable=False),
    sa.Column('created_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.String(length=36), nullable=True),
    sa.Column('updated_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('archived_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('archived_by_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_listening_queries_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listening_queries'))
    )
    with op.batch_alter_table('listening_queries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listening_queries_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('mention_matches',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('mention_id', sa.String(length=36), nullable=False),
    sa.Column('query_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], name=op.f('fk_mention_matches_mention_id_mentions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['query_id'], ['listening_queries.id'], name=op.f('fk_mention_matches_query_id_listening_queries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_mention_matches_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mention_matches')),
    sa.UniqueConstraint('mention_id', 'query_id', name=op.f('uq_mention_matches_mention_id_query_id'))
    )
    with op.batch_alter_table('mention_matches', schema=None) as batch_op:
        batch_op.create_index('ix_mention_matches_query', ['query_id', 'mention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mention_matches_workspace_id'), ['workspace_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mention_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mention_matches_workspace_id'))
        batch_op.drop_index('ix_mention_matches_query')

    op.drop_table('mention_matches')
    with op.batch_alter_table('listening_queries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listening_queries_workspace_id'))

    op.drop_table('listening_queries')
