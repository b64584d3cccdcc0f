"""The demo world as data: one account per role and a small published catalogue.

The README lists these accounts; change them there too. ID numbers are made valid by
``demo.seed`` (the check character is computed from the first 17 digits below).
"""
from typing import NamedTuple

DEMO_PASSWORD = "zhixin-demo"
PRODUCER_PHONE = "13800000002"


class DemoAccount(NamedTuple):
    role: str
    phone: str
    real_name: str
    id_first17: str  # region (6) + birth date (8) + sequence (3; odd = male, even = female)
    region_code: str
    employer: str
    title: str = ""
    organisation: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("trainee", "13800000001", "陈学文", "11010519900307011", "110105",
                "北京市朝阳区人民医院", "主治医师"),
    DemoAccount("producer", PRODUCER_PHONE, "周明远", "11010819850612021", "110108",
                "知新课程制作中心", "课程编导", organisation="知新课程制作中心"),
    DemoAccount("reviewer", "13800000003", "孙静怡", "11010219880920032", "110102",
                "北京市专业技术人员继续教育中心", "课程审核员"),
    DemoAccount("bureau", "13800000004", "刘建国", "11010119800115041", "110000",
                "北京市人力资源和社会保障局", "专业技术人员管理处"),
    DemoAccount("admin", "13800000005", "吴志强", "11010519821103051", "110105",
                "知新平台运营中心", "系统管理员"),
    DemoAccount("unit_admin", "13800000006", "马晓燕", "11010519870514062", "110105",
                "北京市朝阳区人民医院", "人事科科长"),
)


class DemoUnit(NamedTuple):
    name: str
    credit_first17: str  # 12 事业单位 + region (6) + organisation code (9); the check character is computed
    region_code: str
    address: str


# The demo trainee's employer: 陈学文 is on its staff (confirmed) and 马晓燕 administers it.
DEMO_UNIT = DemoUnit("北京市朝阳区人民医院", "12110105400690620", "110105", "北京市朝阳区工体南路8号")


class DemoCourse(NamedTuple):
    category: str
    title: str
    summary: str
    instructor: str
    lessons: tuple[tuple[str, int], ...]  # (lesson title, seconds)
    # core.policy.SUBJECT_TYPES; most are 公需 (this is a 公需 platform). sector_public: 行业公需.
    subject_type: str = "gongxu"
    sector_public: bool = False


# Slide background per category, so courses are told apart at a glance.
BACKGROUNDS = {
    "digital": "0x1f4e79", "ip": "0x5b3a8c", "cybersecurity": "0x184d47", "emergency": "0x8a3b12",
    "politics": "0x9b1c1c", "knowledge": "0x2f5d8a", "science": "0x1e5f74", "ethics": "0x4a5a2a",
    "teamwork": "0x7a4b0f",
}

# Lessons of 100 to 500 seconds: every course is worth at least 0.1 学时 (45 minutes to the
# 学时) and can still be finished while trying the demo; one is a full 45-minute lecture (1 学时).
# All are 公需科目 (one of them 行业公需) but the last two, a 专业科目 and a 选修科目; the year's
# trainees (demo.year) and the 专题班 draw on the 公需 ones only.
DEMO_COURSES = (
    DemoCourse(
        "digital", "数字中国建设整体布局规划解读",
        "课程系统解读《数字中国建设整体布局规划》的“2522”总体框架。围绕数字基础设施、数据资源体系和"
        "数字技术与经济、政治、文化、社会、生态文明建设的深度融合展开讲授，帮助专业技术人员把握数字化"
        "发展的方向与重点。",
        "张立新 研究员，数字政府建设专家",
        (("数字中国建设的总体框架与重点任务", 2700),),
    ),
    DemoCourse(
        "digital", "生成式人工智能原理与行业应用",
        "从大语言模型的基本原理讲起，介绍生成式人工智能在医疗、教育、制造等行业的典型应用。"
        "课程同时讨论模型幻觉、数据安全与合规使用等问题，帮助学员在工作中安全、有效地使用人工智能工具。",
        "李文博 教授，人工智能研究院",
        (("大语言模型是怎样“学会”说话的", 300), ("行业应用案例：医疗、教育与制造", 375),
         ("安全、合规地使用人工智能工具", 450)),
    ),
    DemoCourse(
        "digital", "数据要素市场化配置与数据资产管理",
        "课程介绍数据作为新型生产要素的特征，以及数据确权、流通交易和收益分配的基本制度。"
        "结合公共数据授权运营的实践，讲解单位数据资产的盘点、登记与管理方法。",
        "陈思远 副教授，信息资源管理学院",
        (("数据要素的基本特征与制度框架", 225), ("数据资产的盘点、登记与入表", 300)),
    ),
    DemoCourse(
        "ip", "专利申请实务与技术交底书撰写",
        "课程面向科研与工程技术人员，讲解专利的授权条件、申请流程和常见驳回理由。"
        "通过实例演示如何撰写一份清楚、完整的技术交底书，提高专利申请的质量和效率。",
        "王海燕 高级专利代理师",
        (("专利授权的三性：新颖性、创造性、实用性", 425), ("从创意到申请：专利申请全流程", 450),
         ("技术交底书撰写要点与实例", 500)),
    ),
    DemoCourse(
        "ip", "商标与著作权保护：从典型案例看侵权判定",
        "课程选取近年商标和著作权领域的典型司法案例，讲解侵权判定的基本思路。"
        "学员将了解在工作中使用图片、字体、软件和他人作品时应当注意的法律风险。",
        "赵宏伟 律师，知识产权纠纷调解员",
        (("商标近似与混淆的判定", 250), ("职务作品与合理使用的边界", 350)),
    ),
    DemoCourse(
        "cybersecurity", "网络安全法、数据安全法与个人信息保护法要点解读",
        "课程梳理网络安全领域三部基础性法律的立法目的、适用范围和主要制度。"
        "重点讲解网络运营者的安全保护义务、数据分类分级保护以及个人信息处理规则，并结合案例说明法律责任。",
        "刘晓东 教授，网络空间安全学院",
        (("三部法律的体系与适用范围", 300), ("数据分类分级与重要数据保护", 300),
         ("个人信息处理规则与法律责任", 225)),
    ),
    DemoCourse(
        "cybersecurity", "识别与防范网络钓鱼和电信网络诈骗",
        "课程通过真实案例拆解钓鱼邮件、仿冒网站和电信网络诈骗的常见手法。"
        "学员将掌握识别可疑链接与附件的方法，以及账号被盗或受骗后的应急处置步骤。",
        "黄静 高级工程师，网络安全等级保护测评专家",
        (("钓鱼邮件与仿冒网站的识别", 150), ("受骗后的应急处置与报警", 200)),
    ),
    DemoCourse(
        "emergency", "突发事件应急预案编制与演练",
        "课程依据《突发事件应对法》和应急预案管理的有关规定，讲解应急预案的体系结构与编制步骤。"
        "通过桌面推演和实战演练的案例，介绍如何组织演练并根据评估结果持续改进预案。",
        "郑国强 正高级工程师，应急管理研究中心",
        (("应急预案体系与编制步骤", 425), ("应急演练的组织与实施", 450), ("演练评估与预案修订", 500)),
    ),
    DemoCourse(
        "emergency", "安全生产责任制与事故隐患排查治理",
        "课程阐述全员安全生产责任制的基本要求和“三管三必须”原则。"
        "结合典型事故案例，讲解事故隐患排查治理的方法和闭环管理流程。",
        "马振华 注册安全工程师",
        (("全员安全生产责任制", 250), ("隐患排查治理的闭环管理", 300)),
        sector_public=True,  # the 应急管理 sector's own 公需 course
    ),
    DemoCourse(
        "emergency", "地震与火灾避险自救互救常识",
        "课程介绍地震和火灾发生时的避险原则、疏散路线选择和常用灭火器材的使用方法。"
        "学员还将学习心肺复苏等基本的现场急救技能。",
        "韩雪 主任医师，急救医学专家",
        (("地震与火灾中的避险与疏散", 100), ("心肺复苏与现场急救", 200)),
    ),
    DemoCourse(
        "politics", "学习贯彻党的二十届三中全会精神",
        "课程围绕进一步全面深化改革、推进中国式现代化的总目标，解读全会的主要精神和重大部署。"
        "结合专业技术人员的岗位实际，探讨如何把学习成果转化为推动工作的实际成效。",
        "杨正 教授，马克思主义学院",
        (("进一步全面深化改革的总目标与重大原则", 300),),
    ),
    DemoCourse(
        "knowledge", "新质生产力与高质量发展",
        "课程阐释新质生产力的内涵、特征和形成路径。"
        "通过战略性新兴产业和未来产业的发展案例，说明科技创新如何推动产业升级和高质量发展。",
        "周海峰 研究员，宏观经济研究院",
        (("新质生产力的内涵与特征", 300), ("以科技创新引领产业升级", 350)),
    ),
    DemoCourse(
        "science", "弘扬科学家精神，恪守科研诚信",
        "课程讲述老一辈科学家爱国奉献、勇攀高峰的故事，阐释新时代科学家精神的内涵。"
        "同时介绍科研失信行为的类型与处理规定，引导科研人员坚守学术规范。",
        "罗文 研究员，科技伦理与科研诚信专家",
        (("科学家精神的时代内涵", 225), ("科研诚信与学术不端行为的防范", 300)),
    ),
    DemoCourse(
        "ethics", "专业技术人员职业道德与行为规范",
        "课程从职业道德的基本要求出发，结合医疗、工程、教育等领域的案例，讨论专业技术人员在工作中"
        "常见的伦理困境。学员将学习如何在复杂情境中作出合乎职业规范的判断。",
        "何丽 教授，职业伦理研究所",
        (("职业道德的基本要求与典型案例", 375),),
    ),
    DemoCourse(
        "teamwork", "高效沟通与跨部门协作",
        "课程介绍团队沟通中的倾听、反馈与冲突管理技巧。"
        "通过项目协作的情景演练，帮助学员建立跨部门协作的机制与信任。",
        "许晨 高级培训师，组织发展顾问",
        (("有效倾听与建设性反馈", 200), ("跨部门项目协作的机制", 275)),
    ),
    # The two that are not 公需 come last: the 公需 courses keep their order (and ids).
    DemoCourse(
        "digital", "建筑信息模型（BIM）技术应用实务",
        "课程面向建筑、市政和水利工程技术人员，讲解建筑信息模型的基本概念、标准体系和建模流程。"
        "结合设计、施工协同的工程案例，介绍模型交付与审查的要点。",
        "孙建华 正高级工程师，建筑设计研究院",
        (("BIM 的基本概念与标准体系", 300), ("设计与施工中的模型协同", 400)),
        subject_type="zhuanye",
    ),
    DemoCourse(
        "knowledge", "职场心理健康与压力管理",
        "课程介绍职场中常见的压力来源和心理困扰，讲解识别情绪变化的方法。"
        "通过练习和案例，帮助学员掌握调节情绪、管理压力和寻求帮助的途径。",
        "林悦 副主任医师，心理卫生中心",
        (("认识压力与常见心理困扰", 250), ("情绪调节与压力管理方法", 300)),
        subject_type="xuanxiu",
    ),
)


# The year's trainees: two provinces, several cities (GB/T 2260 district codes), each with
# employers whose staff take the public courses. ``demo.year`` draws names and plans from these.
DEMO_REGIONS = (
    ("110101", ("北京市东城区第一人民医院", "北京市第五十五中学")),
    ("110102", ("北京市西城区建筑设计研究院", "北京市第一六一中学")),
    ("110105", ("北京市朝阳区人民医院", "北京市朝阳区疾病预防控制中心")),
    ("110108", ("北京市海淀区信息技术研究所", "北京市海淀区实验小学")),
    ("330102", ("杭州市第一人民医院", "杭州市上城区城市建设发展中心")),
    ("330106", ("杭州市西湖区农业技术推广中心", "杭州市西湖区实验学校")),
    ("330203", ("宁波市第二医院", "宁波市海曙区水利工程管理站")),
    ("330302", ("温州市鹿城区人民医院", "温州市第八高级中学")),
)
DEMO_TITLES = ("主治医师", "主管护师", "工程师", "高级工程师", "一级教师", "高级教师", "助理研究员", "农艺师")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉华建国志红文斌浩宇欣怡晨阳俊"
# Trainees' phone numbers: 137 0000 and a serial, a range no demo account uses.
POPULATION_PHONE_PREFIX = "1370000"
# Courses made of the demo lessons for each year's catalogue (their videos are the demo's own,
# so nothing more is rendered): enough 学时 for a trainee to meet the year's requirement.
SERIES_PER_YEAR = 16
