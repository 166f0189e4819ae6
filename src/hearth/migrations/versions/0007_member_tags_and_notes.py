"""member tags and notes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 23:18:08.231675
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hearth.kit.db
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('member_notes',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.String(length=36), nullable=True),
    sa.Column('author_label', sa.String(length=320), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['community_members.id'], name=op.f('fk_member_notes_member_id_community_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_member_notes_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_notes'))
    )
    with op.batch_alter_table('member_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_notes_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_notes_workspace_id'), ['workspace_id'], unique=False)

    with op.batch_alter_table('community_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), server_default='[]', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('community_members', schema=None) as batch_op:
        batch_op.drop_column('tags')

    with op.batch_alter_table('member_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_notes_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_member_notes_member_id'))

    op.drop_table('member_notes')
