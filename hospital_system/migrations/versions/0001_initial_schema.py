"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 (the initial schema of the HIS service)

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('location', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('accepts_appointments', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('name', name=op.f('uq_departments_name'))
    )
    op.create_table('patients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('gender', sa.String(length=2), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('id_number_masked', sa.String(length=32), nullable=False),
    sa.Column('card_no', sa.String(length=20), nullable=False),
    sa.Column('insurance_type', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patients')),
    sa.UniqueConstraint('card_no', name=op.f('uq_patients_card_no'))
    )
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patients_mobile'), ['mobile'], unique=False)

    op.create_table('registration_fees',
    sa.Column('title', sa.String(length=16), nullable=False),
    sa.Column('fee_fen', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('title', name=op.f('pk_registration_fees'))
    )
    op.create_table('sms_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('consumed_at', sa.DateTime(), nullable=True),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_codes'))
    )
    with op.batch_alter_table('sms_codes', schema=None) as batch_op:
        batch_op.create_index('ix_sms_codes_mobile', ['mobile', 'id'], unique=False)

    op.create_table('verification_throttles',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_verification_throttles'))
    )
    op.create_table('department_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_department_aliases_department_id_departments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_aliases')),
    sa.UniqueConstraint('alias', name=op.f('uq_department_aliases_alias'))
    )
    with op.batch_alter_table('department_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_aliases_department_id'), ['department_id'], unique=False)

    op.create_table('doctors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=16), nullable=False),
    sa.Column('gender', sa.String(length=2), nullable=False),
    sa.Column('title', sa.String(length=16), nullable=False),
    sa.Column('specialties', sa.JSON(), nullable=False),
    sa.Column('bio', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_doctors_department_id_departments')),
    sa.ForeignKeyConstraint(['title'], ['registration_fees.title'], name=op.f('fk_doctors_title_registration_fees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_doctors'))
    )
    with op.batch_alter_table('doctors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_doctors_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_doctors_name'), ['name'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('recipient', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_outbox_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_recipient', ['recipient', 'id'], unique=False)

    op.create_table('patient_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_patient_tokens_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patient_tokens'))
    )
    with op.batch_alter_table('patient_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_patient_tokens_hash', ['token_hash', 'patient_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_patient_tokens_patient_id'), ['patient_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_no', sa.String(length=24), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=8), nullable=False),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('expected_ready_at', sa.DateTime(), nullable=True),
    sa.Column('ready_at', sa.DateTime(), nullable=True),
    sa.Column('pickup_place', sa.String(length=64), nullable=False),
    sa.Column('online_url', sa.String(length=200), nullable=True),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_reports_department_id_departments')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_reports_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('report_no', name=op.f('uq_reports_report_no'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_patient_ordered', ['patient_id', 'ordered_on'], unique=False)

    op.create_table('schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doctor_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('half_day', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('holiday_name', sa.String(length=32), nullable=True),
    sa.Column('location', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_schedules_department_id_departments')),
    sa.ForeignKeyConstraint(['doctor_id'], ['doctors.id'], name=op.f('fk_schedules_doctor_id_doctors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedules')),
    sa.UniqueConstraint('doctor_id', 'date', 'half_day', name='uq_schedules_doctor_date_half_day')
    )
    with op.batch_alter_table('schedules', schema=None) as batch_op:
        batch_op.create_index('ix_schedules_date', ['date'], unique=False)
        batch_op.create_index('ix_schedules_department_date', ['department_id', 'date', 'half_day'], unique=False)

    op.create_table('time_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.CheckConstraint('booked >= 0 AND booked <= capacity', name=op.f('ck_time_slots_booked_within_capacity')),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedules.id'], name=op.f('fk_time_slots_schedule_id_schedules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_slots')),
    sa.UniqueConstraint('schedule_id', 'seq', name='uq_time_slots_schedule_seq')
    )
    with op.batch_alter_table('time_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_time_slots_schedule_id'), ['schedule_id'], unique=False)

    op.create_table('waitlist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_waitlist_patient_id_patients')),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedules.id'], name=op.f('fk_waitlist_schedule_id_schedules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist'))
    )
    with op.batch_alter_table('waitlist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_waitlist_schedule_status', ['schedule_id', 'status', 'id'], unique=False)
        batch_op.create_index('uq_waitlist_waiting', ['patient_id', 'schedule_id'], unique=True, sqlite_where=sa.text("status = 'waiting'"), postgresql_where=sa.text("status = 'waiting'"))

    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_no', sa.String(length=24), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('doctor_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('half_day', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('cancel_reason', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_appointments_department_id_departments')),
    sa.ForeignKeyConstraint(['doctor_id'], ['doctors.id'], name=op.f('fk_appointments_doctor_id_doctors')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_appointments_patient_id_patients')),
    sa.ForeignKeyConstraint(['schedule_id'], ['schedules.id'], name=op.f('fk_appointments_schedule_id_schedules')),
    sa.ForeignKeyConstraint(['slot_id'], ['time_slots.id'], name=op.f('fk_appointments_slot_id_time_slots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments')),
    sa.UniqueConstraint('appointment_no', name=op.f('uq_appointments_appointment_no')),
    sa.UniqueConstraint('patient_id', 'idempotency_key', name='uq_appointments_patient_idempotency')
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index('ix_appointments_patient_date', ['patient_id', 'visit_date'], unique=False)
        batch_op.create_index('ix_appointments_slot', ['slot_id'], unique=False)
        batch_op.create_index('uq_appointments_active_halfday', ['patient_id', 'department_id', 'visit_date', 'half_day'], unique=True, sqlite_where=sa.text("status IN ('booked', 'rescheduled')"), postgresql_where=sa.text("status IN ('booked', 'rescheduled')"))



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('uq_appointments_active_halfday', sqlite_where=sa.text("status IN ('booked', 'rescheduled')"), postgresql_where=sa.text("status IN ('booked', 'rescheduled')"))
        batch_op.drop_index('ix_appointments_slot')
        batch_op.drop_index('ix_appointments_patient_date')

    op.drop_table('appointments')
    with op.batch_alter_table('waitlist', schema=None) as batch_op:
        batch_op.drop_index('uq_waitlist_waiting', sqlite_where=sa.text("status = 'waiting'"), postgresql_where=sa.text("status = 'waiting'"))
        batch_op.drop_index('ix_waitlist_schedule_status')
        batch_op.drop_index(batch_op.f('ix_waitlist_patient_id'))

    op.drop_table('waitlist')
    with op.batch_alter_table('time_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_slots_schedule_id'))

    op.drop_table('time_slots')
    with op.batch_alter_table('schedules', schema=None) as batch_op:
        batch_op.drop_index('ix_schedules_department_date')
        batch_op.drop_index('ix_schedules_date')

    op.drop_table('schedules')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_patient_ordered')

    op.drop_table('reports')
    with op.batch_alter_table('patient_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_tokens_patient_id'))
        batch_op.drop_index('ix_patient_tokens_hash')

    op.drop_table('patient_tokens')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_recipient')

    op.drop_table('outbox')
    with op.batch_alter_table('doctors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_doctors_name'))
        batch_op.drop_index(batch_op.f('ix_doctors_department_id'))

    op.drop_table('doctors')
    with op.batch_alter_table('department_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_department_aliases_department_id'))

    op.drop_table('department_aliases')
    op.drop_table('verification_throttles')
    with op.batch_alter_table('sms_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_codes_mobile')

    op.drop_table('sms_codes')
    op.drop_table('registration_fees')
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patients_mobile'))

    op.drop_table('patients')
    op.drop_table('departments')
