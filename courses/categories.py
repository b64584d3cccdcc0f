"""The catalogue's categories: the four required areas first, then the themes (v1 codes)."""
from sqlalchemy import select

from core.extensions import db
from courses.models import Category

# (code, name, English name, kind, description, English description)
CATEGORIES = (
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
)


def ensure_categories() -> dict[str, Category]:
    """Create the missing categories (idempotent) and return them all by code; flushes only."""
    existing = {c.code: c for c in db.session.scalars(select(Category))}
    for position, (code, name, name_en, kind, description, description_en) in enumerate(CATEGORIES):
        if code not in existing:
            existing[code] = Category(code=code, name=name, name_en=name_en, kind=kind, position=position,
                                      description=description, description_en=description_en)
            db.session.add(existing[code])
    db.session.flush()
    return existing
