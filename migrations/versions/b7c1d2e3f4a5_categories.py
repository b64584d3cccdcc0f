"""the nine v1 catalogue categories

Revision ID: b7c1d2e3f4a5
Revises: 4a83030d4b97
Create Date: 2026-11-27 09:40:00

A snapshot of the categories as they were when this revision was written; later changes
to courses/categories.py get revisions of their own.
"""
import sqlalchemy as sa
from alembic import op

revision = 'b7c1d2e3f4a5'
down_revision = '4a83030d4b97'
branch_labels = None
depends_on = None

CATEGORIES = [
    ("digital", "数字技术", "Digital technology", "area", "人工智能、大数据、数字经济与数字政府建设。",
     "Artificial intelligence, big data, the digital economy and digital government."),
    ("ip", "知识产权", "Intellectual property", "area", "专利、商标、著作权的保护与运用。",
     "Protecting and using patents, trademarks and copyright."),
    ("cybersecurity", "网络安全", "Cybersecurity", "area", "网络安全法律法规、数据安全与个人信息保护。",
     "Cybersecurity law, data security and personal information protection."),
    ("emergency", "应急管理", "Emergency management", "area", "安全生产、防灾减灾与突发事件应对。",
     "Work safety, disaster prevention and mitigation, and responding to emergencies."),
    ("politics", "思想政治", "Political theory", "theme", "党的创新理论与形势政策。",
     "The Party's theoretical innovations and current policy."),
    ("knowledge", "知识更新拓展", "Knowledge renewal", "theme", "新知识、新技术、新方法。",
     "New knowledge, new technologies, new methods."),
    ("science", "科学精神", "Scientific spirit", "theme", "科学家精神与科研诚信。",
     "The spirit of scientists and research integrity."),
    ("ethics", "职业道德", "Professional ethics", "theme", "职业操守与行为规范。",
     "Professional integrity and codes of conduct."),
    ("teamwork", "团队合作", "Teamwork", "theme", "沟通协作与团队建设。",
     "Communication, collaboration and team building."),
]

categories = sa.table(
    "categories",
    sa.column("code", sa.String), sa.column("name", sa.String), sa.column("name_en", sa.String),
    sa.column("kind", sa.String), sa.column("position", sa.Integer), sa.column("description", sa.Text),
    sa.column("description_en", sa.Text),
)


def upgrade():
    op.bulk_insert(categories, [
        dict(code=code, name=name, name_en=name_en, kind=kind, position=position,
             description=description, description_en=description_en)
        for position, (code, name, name_en, kind, description, description_en) in enumerate(CATEGORIES)
    ])


def downgrade():
    op.execute(categories.delete().where(categories.c.code.in_([c[0] for c in CATEGORIES])))
