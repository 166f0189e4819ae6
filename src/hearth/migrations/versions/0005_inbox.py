"""inbox

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 22:22:15.264051
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hearth.kit.db
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The member sidebar reads an author's mentions newest first (benchmarks/inbox_RESULTS.md).
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_mentions_identity_id')
        batch_op.create_index('ix_mentions_identity_created', ['identity_id', sa.text('created_at DESC')], unique=False)
    op.create_table('conversations',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('thread_key', sa.String(length=400), nullable=False),
    sa.Column('platform', sa.String(length=40), nullable=False),
    sa.Column('channel_id', sa.String(length=36), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=True),
    sa.Column('identity_id', sa.String(length=36), nullable=True),
    sa.Column('root_mention_id', sa.String(length=36), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('priority_label', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.String(length=36), nullable=True),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('routed_by_rule_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_inbound_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_outbound_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('awaiting_since', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_response_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_response_by_id', sa.String(length=36), nullable=True),
    sa.Column('snoozed_until', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_conversations_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations')),
    sa.UniqueConstraint('workspace_id', 'thread_key', name=op.f('uq_conversations_workspace_id_thread_key'))
    )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.create_index('ix_conversations_assignee_order', ['workspace_id', 'assignee_id', sa.text('priority DESC'), 'awaiting_since', 'id'], unique=False, postgresql_where=sa.text("state IN ('open', 'pending')"), sqlite_where=sa.text("state IN ('open', 'pending')"))
        batch_op.create_index(batch_op.f('ix_conversations_member_id'), ['member_id'], unique=False)
        batch_op.create_index('ix_conversations_queue_order', ['workspace_id', 'state', sa.text('priority DESC'), 'awaiting_since', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversations_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('knowledge_items',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('lang', sa.String(length=8), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.String(length=36), nullable=True),
    sa.Column('archived_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_knowledge_items_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_items'))
    )
    with op.batch_alter_table('knowledge_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_items_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('routing_rules',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('conditions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('actions', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('stop_processing', sa.Boolean(), nullable=False),
    sa.Column('created_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.String(length=36), nullable=True),
    sa.Column('updated_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_routing_rules_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_rules'))
    )
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_rules_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('saved_replies',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('variants', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.String(length=36), nullable=True),
    sa.Column('archived_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_saved_replies_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_replies'))
    )
    with op.batch_alter_table('saved_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_replies_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('sla_policies',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('priority_label', sa.String(length=16), nullable=True),
    sa.Column('platform', sa.String(length=40), nullable=True),
    sa.Column('first_response_minutes', sa.Integer(), nullable=False),
    sa.Column('next_response_minutes', sa.Integer(), nullable=True),
    sa.Column('resolution_minutes', sa.Integer(), nullable=True),
    sa.Column('created_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('archived_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_sla_policies_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_policies'))
    )
    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_policies_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('conversation_events',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('conversation_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('mention_id', sa.String(length=36), nullable=True),
    sa.Column('reply_id', sa.String(length=36), nullable=True),
    sa.Column('actor_type', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.String(length=36), nullable=True),
    sa.Column('actor_label', sa.String(length=320), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_events_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_conversation_events_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_events'))
    )
    with op.batch_alter_table('conversation_events', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_events_mention', ['workspace_id', 'mention_id'], unique=False)
        batch_op.create_index('ix_conversation_events_timeline', ['conversation_id', 'at'], unique=False)

    op.create_table('conversation_presence',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('conversation_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('activity', sa.String(length=16), nullable=False),
    sa.Column('seen_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_conversation_presence_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_conversation_presence_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversation_presence')),
    sa.UniqueConstraint('conversation_id', 'user_id', name=op.f('uq_conversation_presence_conversation_id_user_id'))
    )
    with op.batch_alter_table('conversation_presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversation_presence_conversation_id'), ['conversation_id'], unique=False)

    op.create_table('csat_surveys',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('conversation_id', sa.String(length=36), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('assignee_id', sa.String(length=36), nullable=True),
    sa.Column('platform', sa.String(length=40), nullable=False),
    sa.Column('sent_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.String(length=2000), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_csat_surveys_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_csat_surveys_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_csat_surveys')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_csat_surveys_token_hash'))
    )
    with op.batch_alter_table('csat_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_csat_surveys_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_csat_surveys_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('outbound_replies',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('conversation_id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.String(length=36), nullable=True),
    sa.Column('in_reply_to_mention_id', sa.String(length=36), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=300), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.Column('created_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_outbound_replies_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_outbound_replies_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_replies')),
    sa.UniqueConstraint('workspace_id', 'idempotency_key', name=op.f('uq_outbound_replies_workspace_id_idempotency_key'))
    )
    with op.batch_alter_table('outbound_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_replies_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_replies_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('sla_breaches',
    sa.Column('workspace_id', sa.String(length=36), nullable=False),
    sa.Column('conversation_id', sa.String(length=36), nullable=False),
    sa.Column('policy_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('due_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('breached_at', hearth.kit.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('assignee_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_sla_breaches_conversation_id_conversations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_sla_breaches_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_breaches')),
    sa.UniqueConstraint('conversation_id', 'kind', 'due_at', name=op.f('uq_sla_breaches_conversation_id_kind_due_at'))
    )
    with op.batch_alter_table('sla_breaches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sla_breaches_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sla_breaches_workspace_id'), ['workspace_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_mentions_identity_created')
        batch_op.create_index('ix_mentions_identity_id', ['identity_id'], unique=False)
    with op.batch_alter_table('sla_breaches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_breaches_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_sla_breaches_conversation_id'))

    op.drop_table('sla_breaches')
    with op.batch_alter_table('outbound_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_replies_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_replies_conversation_id'))

    op.drop_table('outbound_replies')
    with op.batch_alter_table('csat_surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_csat_surveys_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_csat_surveys_conversation_id'))

    op.drop_table('csat_surveys')
    with op.batch_alter_table('conversation_presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversation_presence_conversation_id'))

    op.drop_table('conversation_presence')
    with op.batch_alter_table('conversation_events', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_events_timeline')
        batch_op.drop_index('ix_conversation_events_mention')

    op.drop_table('conversation_events')
    with op.batch_alter_table('sla_policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sla_policies_workspace_id'))

    op.drop_table('sla_policies')
    with op.batch_alter_table('saved_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_replies_workspace_id'))

    op.drop_table('saved_replies')
    with op.batch_alter_table('routing_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_rules_workspace_id'))

    op.drop_table('routing_rules')
    with op.batch_alter_table('knowledge_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_items_workspace_id'))

    op.drop_table('knowledge_items')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversations_workspace_id'))
        batch_op.drop_index('ix_conversations_queue_order')
        batch_op.drop_index(batch_op.f('ix_conversations_member_id'))
        batch_op.drop_index('ix_conversations_assignee_order')

    op.drop_table('conversations')
