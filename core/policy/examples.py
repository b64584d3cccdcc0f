"""The rule sets the demo seeds (``flask demo seed``) and the tests use: the national set and,
as clearly labelled examples, Guangdong and Henan as their rules are publicly described.
JSON form (core.policy.ruledata).

Server-scheduled checks during video study (issue 19): the demo's Guangdong set turns both
随堂弹题 and 人脸抓拍 on; Henan, like the national set, leaves both off. 一人一档 (issue 21): the
demo's Guangdong set carries surplus 专业 and 选修 学时 (at most 10 a year) into the next year;
Henan and the national set carry nothing. Every set looks back 4 years for 职称."""

NATIONAL = {
    "prefix": "", "effective_from": "2016-01-01", "name": "全国",
    "source": "《专业技术人员继续教育规定》（人社部令第25号，2015年）：每年累计不少于90学时，专业科目一般不少于"
              "总学时的三分之二，具体由各地规定。本平台提供公需科目，全国默认按公需科目每年30学时、每学时45分钟认定。",
    "minutes_per_hour": 45,
    "required_hours": {"gongxu": 30, "zhuanye": 0, "xuanxiu": 0, "total": 30},
    "total_covers_parts": True, "windows": {}, "lock": None, "test_required": True, "daily_cap_hours": None,
}

GUANGDONG = {
    "prefix": "44", "effective_from": "2024-01-01", "name": "广东省（示例）",
    "source": "示例：按公开介绍的广东省做法整理，以广东省人力资源和社会保障厅公布为准。每年90学时，"
              "公需科目30、专业科目42、选修科目18；公需科目年度延至次年4月30日。随堂弹题、人脸抓拍与学时结转为本平台的演示设置。",
    "minutes_per_hour": 45,
    "required_hours": {"gongxu": 30, "zhuanye": 42, "xuanxiu": 18, "total": 90},
    "total_covers_parts": True,
    "windows": {"gongxu": {"start": "01-01", "end": "+1-04-30"}},
    "lock": None, "test_required": True, "daily_cap_hours": None,
    "checks": {"question": {"enabled": True, "per_hour": 4, "window_seconds": 60, "misses_allowed": 2},
               "face": {"enabled": True, "per_hour": 8, "window_seconds": 60, "misses_allowed": 2}},
    # 一人一档 (issue 21): the platform's demonstration setting, not Guangdong's published rule.
    "carry_over": {"enabled": True, "types": ["zhuanye", "xuanxiu"], "max_hours": 10},
}

HENAN = {
    "prefix": "41", "effective_from": "2024-01-01", "name": "河南省（示例）",
    "source": "示例：按公开介绍的河南省做法整理，以河南省人力资源和社会保障厅公布为准。每年90学时，"
              "其中公需科目30、专业科目60；当年学时记录于12月15日关闭。",
    "minutes_per_hour": 45,
    "required_hours": {"gongxu": 30, "zhuanye": 60, "xuanxiu": 0, "total": 90},
    "total_covers_parts": True, "windows": {}, "lock": "12-15", "test_required": True, "daily_cap_hours": None,
}

EXAMPLES = (NATIONAL, GUANGDONG, HENAN)
