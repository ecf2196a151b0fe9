"""Chinese material for the synthetic city: places, people's names, brands, departments.

Everything here is plain reference data that :mod:`weijian.sim.city` draws from. The Shanghai
districts and their 街道/镇 are not repeated here: they are the platform's own reference data
(:mod:`weijian.core.reference`, 国家统计局 统计用区划代码). The 身份证 address-code history lets a
generated 居民身份证号码 name a code that existed in the holder's birth year. Surname weights follow
the national frequency ranking (with the Shanghai-common 沈 陆 顾 钱 施 raised); given-name
characters are the common ones per gender.
"""

from __future__ import annotations

from weijian.core.reference import districts_of

SHANGHAI = "310000"

# 行政区划代码 → name of Shanghai's 16 districts, from the platform's shipped 统计用区划代码.
DISTRICTS: dict[str, str] = {r.code: r.name for r in districts_of(SHANGHAI)}

# Resident population in 10,000s (2020 census, rounded): weights for placing institutions,
# people and inspectors across districts.
DISTRICT_POPULATION: dict[str, int] = {
    "310101": 66,
    "310104": 111,
    "310105": 69,
    "310106": 97,
    "310107": 124,
    "310109": 76,
    "310110": 124,
    "310112": 265,
    "310113": 223,
    "310114": 183,
    "310115": 568,
    "310116": 82,
    "310117": 191,
    "310118": 127,
    "310120": 114,
    "310151": 64,
}

# 身份证 address codes (GB/T 2260) over time, so that a generated number carries the code its holder
# would have been given in their birth year, as real numbers do: a suburban 区 replaced a 县 (from
# 1982 in python-stdnum's table). Urban districts not listed here were valid throughout.
ID_CODE_SINCE: dict[str, int] = {
    "310112": 1981,
    "310113": 1988,
    "310114": 1992,
    "310115": 1992,
    "310116": 1997,
    "310117": 1998,
    "310118": 1999,
    "310120": 2001,
    "310151": 2016,
}
# District → (predecessor county code, first year it is valid).
ID_CODE_PREDECESSOR: dict[str, tuple[str, int]] = {
    "310113": ("310223", 1982),  # 宝山县
    "310114": ("310222", 1982),  # 嘉定县
    "310115": ("310224", 1982),  # 川沙县
    "310116": ("310228", 1982),  # 金山县
    "310117": ("310227", 1982),  # 松江县
    "310118": ("310229", 1982),  # 青浦县
    "310120": ("310226", 1982),  # 奉贤县
    "310151": ("310230", 1982),  # 崇明县
}

ROADS: tuple[str, ...] = (
    "中山南路", "肇嘉浜路", "漕溪北路", "天钥桥路", "宛平南路", "虹桥路", "延安西路", "长宁路", "武宁路",
    "曹杨路", "西藏北路", "四平路", "黄兴路", "控江路", "沪闵路", "莘松路", "七莘路", "共和新路",
    "牡丹江路", "沪太路", "博乐路", "城中路", "浦东南路", "张杨路", "世纪大道", "东方路", "杨高中路",
    "川沙路", "人民南路", "卫零路", "中山东路", "人民北路", "西林北路", "谷阳北路", "公园路", "城中北路",
    "南桥路", "解放东路", "八一路", "人民路", "复兴中路", "淮海西路", "长乐路", "南丹东路", "龙华中路",
    "普安路", "福州路", "江宁路", "昌平路", "新闸路", "天山路", "仙霞路", "真北路", "金沙江路", "大连路",
    "国权路", "殷行路", "友谊路", "宝杨路", "锦秋路", "塔城路", "博园路", "三林路", "周浦南路",
)

# Brand words of private institutions: first character × second character.
BRAND_HEADS: str = "仁德华康瑞美博安嘉和恒同永济泰福佳明新正雅百天盛舒益"
BRAND_TAILS: str = "康济仁和爱慈美华泰安德怡悦禾心颜诺诚联仕贝植宁阳"

UNIVERSITIES: tuple[str, ...] = (
    "复旦大学附属", "上海交通大学医学院附属", "同济大学附属", "上海中医药大学附属", "上海健康医学院附属",
)
CHINESE_NUMERALS: tuple[str, ...] = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")

# Surnames with relative frequency (per mille, rounded).
SURNAMES: dict[str, int] = {
    "王": 71, "李": 70, "张": 67, "刘": 51, "陈": 55, "杨": 32, "赵": 24, "黄": 25, "周": 22, "吴": 22,
    "徐": 20, "孙": 15, "胡": 13, "朱": 16, "高": 11, "林": 11, "何": 12, "郭": 12, "马": 12, "罗": 9,
    "梁": 9, "宋": 8, "郑": 8, "谢": 7, "韩": 7, "唐": 7, "冯": 7, "于": 6, "董": 6, "萧": 5,
    "程": 5, "曹": 6, "袁": 5, "邓": 5, "许": 6, "傅": 4, "沈": 9, "曾": 4, "彭": 4, "吕": 4,
    "苏": 4, "卢": 4, "蒋": 5, "蔡": 4, "贾": 3, "丁": 4, "魏": 3, "薛": 3, "叶": 4, "阎": 2,
    "余": 3, "潘": 3, "杜": 3, "戴": 3, "夏": 3, "钟": 3, "汪": 3, "田": 3, "任": 3, "姜": 3,
    "范": 3, "方": 3, "石": 2, "姚": 3, "谭": 2, "廖": 2, "邹": 2, "熊": 2, "金": 3, "陆": 6,
    "郝": 2, "孔": 2, "白": 2, "崔": 2, "康": 2, "毛": 2, "邱": 2, "秦": 2, "江": 2, "史": 2,
    "顾": 5, "侯": 2, "邵": 2, "孟": 2, "龙": 1, "万": 1, "段": 1, "钱": 4, "施": 3, "严": 2,
    "欧阳": 1, "诸葛": 1,
}
GIVEN_MALE: str = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国志晨博轩昊峰亮成东海荣德"
GIVEN_FEMALE: str = "芳娜敏静丽艳娟霞秀玲英燕萍红琳婷雪慧颖倩洁琴云莉兰凤梅佳怡欣悦婧瑶晶丹蕾薇璐雯"
GIVEN_NEUTRAL: str = "晓一子思文雨嘉安心若诗梓家天永金春振彦立"

# 诊疗科目 (《医疗机构诊疗科目名录》): code → name. Two digits are 一级科目, ``.NN`` 二级科目.
DEPTS: dict[str, str] = {
    "01": "预防保健科", "02": "全科医疗科", "03": "内科", "03.01": "呼吸内科专业",
    "03.02": "消化内科专业", "03.03": "神经内科专业", "03.04": "心血管内科专业", "03.06": "肾病学专业",
    "03.07": "内分泌专业", "04": "外科", "04.01": "普通外科专业", "04.02": "神经外科专业",
    "04.03": "骨科专业", "04.04": "泌尿外科专业", "04.05": "胸外科专业", "05": "妇产科", "05.01": "妇科专业",
    "05.02": "产科专业", "06": "妇女保健科", "07": "儿科", "08": "小儿外科", "09": "儿童保健科",
    "10": "眼科", "11": "耳鼻咽喉科", "12": "口腔科", "13": "皮肤科", "14": "医疗美容科", "15": "精神科",
    "16": "传染科", "17": "结核病科", "19": "肿瘤科", "20": "急诊医学科", "21": "康复医学科",
    "23": "职业病科", "24": "临终关怀科", "26": "麻醉科", "27": "疼痛科", "28": "重症医学科",
    "30": "医学检验科", "31": "病理科", "32": "医学影像科", "50": "中医科", "52": "中西医结合科",
}

# 执法领域 codes of an inspector (rules/data/responsibilities.yaml ``fields``), in the order of the odds in city.py.
INSPECTION_FIELDS: tuple[str, ...] = (
    "medical", "infectious", "public_place", "occupational", "radiation", "water", "school", "disinfection", "maternal",
    "price", "advertising", "insurance_fund", "drug",
)
