"""Reference catalogues of the activity simulator: drugs, diagnoses, charge items, departments.

Drugs carry their WHO ATC code, DDD route and active ingredient per dispensed unit (grams, or the
unit in ``_STRENGTH_UNIT``: mg, MU = million units); their DDDs are the engine's bundled WHO table
(:mod:`weijian.analytics.ddd`, by date), so the simulator and the engine measure alike. Antimicrobials
include the cephamycins, nitroimidazoles, carbapenems and polymyxins common in China, antimycotics
(J02) and nitroimidazole tablets (P01AB). Chinese patent medicines (中成药) have no ATC code, topical and
ophthalmic products no WHO route. Diagnoses are ICD-10 codes grouped by
department profile; charge items follow the usual 医疗服务价格 categories (诊查费, 床位费, 护理费,
检验, 检查, 治疗, 手术, 卫生材料). A *profile* is the clinical flavour of a 诊疗科目: the exact code
is looked up first (``03.01`` 呼吸内科), then its 一级 code (``03`` 内科), then a general default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

_EPOCH = dt.date(1970, 1, 1)

# ----------------------------------------------------------------------------- drugs
# (drug_code, name, atc, route, unit_strength_g, unit_price, units_per_day)
_DRUGS: tuple[tuple[str, str, str | None, str | None, float | None, float, float], ...] = (
    # J01, oral (outpatient)
    ("XJ01CA04O05", "阿莫西林胶囊 0.5g", "J01CA04", "O", 0.5, 0.35, 3),
    ("XJ01CA04O0125", "阿莫西林颗粒 0.125g", "J01CA04", "O", 0.125, 0.30, 6),
    ("XJ01CR02O05", "阿莫西林克拉维酸钾片 0.625g", "J01CR02", "O", 0.5, 1.85, 3),
    ("XJ01DC02O025", "头孢呋辛酯片 0.25g", "J01DC02", "O", 0.25, 2.40, 2),
    ("XJ01DC04O025", "头孢克洛胶囊 0.25g", "J01DC04", "O", 0.25, 1.60, 3),
    ("XJ01DD08O01", "头孢克肟片 0.1g", "J01DD08", "O", 0.1, 2.10, 2),
    ("XJ01DB01O025", "头孢氨苄胶囊 0.25g", "J01DB01", "O", 0.25, 0.22, 4),
    ("XJ01FA10O025", "阿奇霉素片 0.25g", "J01FA10", "O", 0.25, 2.90, 2),
    ("XJ01FA09O025", "克拉霉素片 0.25g", "J01FA09", "O", 0.25, 1.50, 2),
    ("XJ01MA12O05", "左氧氟沙星片 0.5g", "J01MA12", "O", 0.5, 3.40, 1),
    ("XJ01MA14O04", "莫西沙星片 0.4g", "J01MA14", "O", 0.4, 11.80, 1),
    ("XJ01MA02O025", "环丙沙星片 0.25g", "J01MA02", "O", 0.25, 0.45, 2),
    ("XJ01AA02O01", "多西环素片 0.1g", "J01AA02", "O", 0.1, 0.40, 2),
    ("XJ01XX01O3", "磷霉素氨丁三醇散 3g", "J01XX01", "O", 3.0, 29.50, 1),
    ("XJ01DD15O01", "头孢地尼胶囊 0.1g", "J01DD15", "O", 0.1, 2.80, 3),
    ("XJ01AA08O005", "盐酸米诺环素胶囊 50mg", "J01AA08", "O", 0.05, 1.60, 4),
    # J01, parenteral (inpatient, emergency)
    ("XJ01DC02P075", "注射用头孢呋辛钠 0.75g", "J01DC02", "P", 0.75, 7.80, 3),
    ("XJ01DD04P1", "注射用头孢曲松钠 1g", "J01DD04", "P", 1.0, 11.50, 2),
    ("XJ01DB04P1", "注射用头孢唑林钠 1g", "J01DB04", "P", 1.0, 6.20, 3),
    ("XJ01CR05P45", "注射用哌拉西林钠他唑巴坦钠 4.5g", "J01CR05", "P", 4.0, 44.00, 3),
    ("XJ01DD62P15", "注射用头孢哌酮钠舒巴坦钠 1.5g", "J01DD62", "P", 1.0, 24.60, 3),
    ("XJ01MA12P05", "左氧氟沙星注射液 0.5g", "J01MA12", "P", 0.5, 14.80, 1),
    ("XJ01MA14P04", "莫西沙星氯化钠注射液 0.4g", "J01MA14", "P", 0.4, 58.00, 1),
    ("XJ01DH02P05", "注射用美罗培南 0.5g", "J01DH02", "P", 0.5, 49.00, 6),
    ("XJ01DH51P05", "注射用亚胺培南西司他丁钠 0.5g", "J01DH51", "P", 0.5, 78.00, 4),
    ("XJ01XA01P05", "注射用盐酸万古霉素 0.5g", "J01XA01", "P", 0.5, 39.50, 4),
    ("XJ01FA10P05", "注射用阿奇霉素 0.5g", "J01FA10", "P", 0.5, 19.80, 1),
    ("XJ01XD01P05", "甲硝唑氯化钠注射液 0.5g", "J01XD01", "P", 0.5, 3.10, 3),
    ("XJ01FF01P06", "克林霉素磷酸酯注射液 0.6g", "J01FF01", "P", 0.6, 7.90, 2),
    ("XJ01DD02P1", "注射用头孢他啶 1g", "J01DD02", "P", 1.0, 15.20, 3),
    ("XJ01DD07P1", "注射用头孢唑肟钠 1g", "J01DD07", "P", 1.0, 9.80, 2),
    ("XJ01DC01P1", "注射用头孢西丁钠 1g", "J01DC01", "P", 1.0, 12.60, 3),
    ("XJ01DC09P1", "注射用头孢美唑钠 1g", "J01DC09", "P", 1.0, 16.50, 2),
    ("XJ01CA10P1", "注射用美洛西林钠 1g", "J01CA10", "P", 1.0, 8.90, 4),
    ("XJ01XD03P05", "奥硝唑氯化钠注射液 0.5g", "J01XD03", "P", 0.5, 18.00, 2),
    ("XJ01XD02P04", "替硝唑氯化钠注射液 0.4g", "J01XD02", "P", 0.4, 6.50, 2),
    ("XJ01DF01P1", "注射用氨曲南 1g", "J01DF01", "P", 1.0, 38.00, 3),
    ("XJ01DH05P03", "注射用比阿培南 0.3g", "J01DH05", "P", 0.3, 88.00, 2),
    ("XJ01XB01P05", "注射用硫酸黏菌素 50万单位", "J01XB01", "P", 0.5, 218.00, 3),  # MU
    # J02 antimycotics and P01AB nitroimidazole tablets
    ("XJ02AC01O015", "氟康唑胶囊 150mg", "J02AC01", "O", 0.15, 3.20, 1),
    ("XJ02AC01P02", "氟康唑氯化钠注射液 0.2g", "J02AC01", "P", 0.2, 25.00, 2),
    ("XJ02AC03P02", "注射用伏立康唑 0.2g", "J02AC03", "P", 0.2, 168.00, 2),
    ("XJ02AX04P50", "注射用醋酸卡泊芬净 50mg", "J02AX04", "P", 50.0, 380.00, 1),  # mg
    ("XP01AB03O025", "奥硝唑片 0.25g", "P01AB03", "O", 0.25, 0.90, 4),
    ("XP01AB02O05", "替硝唑片 0.5g", "P01AB02", "O", 0.5, 0.35, 4),
    # not J01
    ("XC08CA01O0005", "苯磺酸氨氯地平片 5mg", "C08CA01", "O", 0.005, 0.55, 1),
    ("XC09CA01O005", "氯沙坦钾片 50mg", "C09CA01", "O", 0.05, 1.20, 1),
    ("XC10AA05O002", "阿托伐他汀钙片 20mg", "C10AA05", "O", 0.02, 0.95, 1),
    ("XA10BA02O05", "盐酸二甲双胍片 0.5g", "A10BA02", "O", 0.5, 0.12, 3),
    ("XA10BB09O008", "格列齐特缓释片 30mg", "A10BB09", "O", 0.03, 0.60, 2),
    ("XB01AC06O01", "阿司匹林肠溶片 100mg", "B01AC06", "O", 0.1, 0.15, 1),
    ("XC01DA08O001", "硝酸异山梨酯片 10mg", "C01DA08", "O", 0.01, 0.10, 3),
    ("XA02BC01O002", "奥美拉唑肠溶胶囊 20mg", "A02BC01", "O", 0.02, 0.45, 2),
    ("XA02BC02P004", "注射用泮托拉唑钠 40mg", "A02BC02", "P", 0.04, 9.80, 1),
    ("XR05CB06O003", "盐酸氨溴索片 30mg", "R05CB06", "O", 0.03, 0.25, 3),
    ("XN02BE01O05", "对乙酰氨基酚片 0.5g", "N02BE01", "O", 0.5, 0.20, 3),
    ("XM01AE01O02", "布洛芬缓释胶囊 0.3g", "M01AE01", "O", 0.3, 0.50, 2),
    ("XR06AE07O001", "西替利嗪片 10mg", "R06AE07", "O", 0.01, 0.80, 1),
    ("XJ05AH02O0075", "磷酸奥司他韦胶囊 75mg", "J05AH02", "O", 0.075, 6.50, 2),
    ("XP01AB01O02", "甲硝唑片 0.2g", "P01AB01", "O", 0.2, 0.05, 3),
    ("XH02AB04P004", "注射用甲泼尼龙琥珀酸钠 40mg", "H02AB04", "P", 0.04, 18.50, 1),
    ("XB05XA03P225", "0.9%氯化钠注射液 250ml", "B05XA03", "P", 2.25, 2.80, 2),
    ("XB05BA03P125", "5%葡萄糖注射液 250ml", "B05BA03", "P", 12.5, 2.90, 1),
    ("XB03AA07O03", "硫酸亚铁片 0.3g", "B03AA07", "O", 0.3, 0.10, 3),
    ("XN06AB06O005", "盐酸舍曲林片 50mg", "N06AB06", "O", 0.05, 3.20, 1),
    ("XN05CF02O00075", "酒石酸唑吡坦片 10mg", "N05CF02", "O", 0.01, 1.90, 1),
    ("XL01BC06O05", "卡培他滨片 0.5g", "L01BC06", "O", 0.5, 18.00, 6),
    ("XC03CA01P002", "呋塞米注射液 20mg", "C03CA01", "P", 0.02, 0.60, 2),
    ("XB01AB05P004", "依诺肝素钠注射液 40mg", "B01AB05", "P", 0.04, 28.00, 1),
    ("XN02AX02O005", "盐酸曲马多缓释片 50mg", "N02AX02", "O", 0.05, 1.30, 2),
    ("XM03AX01P", "注射用A型肉毒毒素 100U", "M03AX01", "P", None, 1480.00, 1),
    ("XD06AX09", "莫匹罗星软膏 2%", "D06AX09", None, None, 14.00, 1),
    ("XS01AE05", "左氧氟沙星滴眼液 0.5%", "S01AE05", None, None, 16.00, 1),
    ("XZCY001", "连花清瘟胶囊", None, "O", None, 0.62, 12),
    ("XZCY002", "板蓝根颗粒", None, "O", None, 0.90, 3),
    ("XZCY003", "复方丹参滴丸", None, "O", None, 0.15, 30),
    ("XZCY004", "六味地黄丸", None, "O", None, 0.08, 24),
)

# ----------------------------------------------------------------------------- charge items
# (item_code, item_kind, name, unit_price yuan at a level-III institution)
_ITEMS: tuple[tuple[str, str, str, float], ...] = (
    ("S001", "service", "普通门诊诊查费", 10.0),
    ("S002", "service", "副主任医师门诊诊查费", 30.0),
    ("S003", "service", "急诊诊查费", 15.0),
    ("S010", "service", "一级护理", 26.0),
    ("B001", "bed", "普通病房床位费", 60.0),
    ("B002", "bed", "重症监护病房床位费", 200.0),
    ("L001", "lab", "血常规", 20.0),
    ("L002", "lab", "尿常规", 10.0),
    ("L003", "lab", "肝功能", 60.0),
    ("L004", "lab", "肾功能", 40.0),
    ("L005", "lab", "血糖", 8.0),
    ("L006", "lab", "糖化血红蛋白", 70.0),
    ("L007", "lab", "血脂四项", 50.0),
    ("L008", "lab", "C反应蛋白", 30.0),
    ("L009", "lab", "降钙素原", 150.0),
    ("L010", "lab", "凝血功能", 60.0),
    ("L011", "lab", "电解质", 30.0),
    ("L012", "lab", "甲/乙型流感病毒抗原", 60.0),
    ("L013", "lab", "大便常规", 10.0),
    ("L014", "lab", "乙肝五项", 80.0),
    ("L015", "lab", "甲状腺功能", 120.0),
    ("L016", "lab", "肿瘤标志物", 200.0),
    ("L017", "lab", "血培养", 120.0),
    ("L018", "lab", "痰培养", 80.0),
    ("E001", "exam", "胸部DR", 80.0),
    ("E002", "exam", "胸部CT平扫", 250.0),
    ("E003", "exam", "腹部B超", 150.0),
    ("E004", "exam", "常规心电图", 25.0),
    ("E005", "exam", "头颅CT平扫", 250.0),
    ("E006", "exam", "磁共振平扫", 600.0),
    ("E007", "exam", "超声心动图", 200.0),
    ("E008", "exam", "电子胃镜", 400.0),
    ("E009", "exam", "眼底检查", 30.0),
    ("E010", "exam", "口腔全景片", 100.0),
    ("E011", "exam", "四肢DR", 70.0),
    ("E012", "exam", "妇科B超", 120.0),
    ("R001", "procedure", "静脉输液", 10.0),
    ("R002", "procedure", "肌肉注射", 5.0),
    ("R003", "procedure", "清创缝合", 150.0),
    ("R004", "procedure", "阑尾切除术", 1500.0),
    ("R005", "procedure", "腹腔镜胆囊切除术", 3000.0),
    ("R006", "procedure", "阴道分娩", 800.0),
    ("R007", "procedure", "换药", 30.0),
    ("R008", "procedure", "雾化吸入", 15.0),
    ("R009", "procedure", "针刺", 40.0),
    ("R010", "procedure", "牙拔除术", 80.0),
    ("R011", "procedure", "根管治疗", 300.0),
    ("R012", "procedure", "激光祛斑", 1200.0),
    ("R013", "procedure", "软组织填充注射", 3000.0),
    ("R014", "procedure", "白内障超声乳化摘除术", 2800.0),
    ("R015", "procedure", "膝关节镜手术", 3500.0),
    ("M001", "consumable", "一次性输液器", 5.0),
    ("M002", "consumable", "静脉留置针", 20.0),
    ("M003", "consumable", "医用敷料", 10.0),
    ("M004", "consumable", "可吸收缝合线", 50.0),
    ("M005", "consumable", "透明质酸钠凝胶", 2500.0),
    ("M006", "consumable", "人工晶状体", 3000.0),
)

ITEM_KINDS: tuple[str, ...] = ("drug", "exam", "lab", "consumable", "procedure", "bed", "service")


@dataclass(frozen=True)
class Profile:
    """What a department sees and does: diagnoses, drugs, tests, procedures, stays."""

    name: str
    dx: tuple[tuple[str, float, bool], ...]  # (ICD-10, weight, respiratory/seasonal infection?)
    drugs: tuple[str, ...]  # non-J01 drug codes, outpatient
    j01_oral: tuple[str, ...] = ()
    j01_par: tuple[str, ...] = ()
    labs: tuple[str, ...] = ("L001",)
    exams: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()
    consumables: tuple[str, ...] = ()
    p_infection_j01: float = 0.5  # P(J01 line) for an infection diagnosis
    p_other_j01: float = 0.04
    p_lab: float = 0.4
    p_exam: float = 0.2
    p_procedure: float = 0.05
    p_rx: float = 0.85
    inpatient: bool = True
    chronic: tuple[tuple[str, float], ...] = ()  # chronic diagnoses for returning patients
    chronic_drugs: tuple[str, ...] = ()
    chronic_labs: tuple[str, ...] = ("L005",)
    los_mean: float = 8.0
    p_abx_stay: float = 0.35
    inp_drugs: tuple[str, ...] = ("XB05XA03P225", "XA02BC02P004")
    inp_surgery: tuple[str, ...] = ()
    inp_labs: tuple[str, ...] = ("L001", "L003", "L004", "L011", "L010")
    visit_weight: float = 1.0
    extra: dict[str, float] = field(default_factory=dict)


_RESP_J01_O = ("XJ01CA04O05", "XJ01CR02O05", "XJ01DC02O025", "XJ01DC04O025", "XJ01FA10O025",
               "XJ01MA12O05", "XJ01MA14O04", "XJ01FA09O025", "XJ01DD08O01", "XJ01DD15O01")
_J01_P_MED = ("XJ01DD04P1", "XJ01DC02P075", "XJ01MA12P05", "XJ01FA10P05", "XJ01DD62P15", "XJ01CR05P45",
              "XJ01MA14P04", "XJ01DD02P1", "XJ01DD07P1", "XJ01CA10P1")
# severe pneumonia on a 呼吸科 ward: also carbapenems, a monobactam and colistin (in million units)
_J01_P_RESP = (*_J01_P_MED, "XJ01DH02P05", "XJ01DH05P03", "XJ01DF01P1", "XJ01XB01P05")
_J01_P_SURG = ("XJ01DB04P1", "XJ01DC02P075", "XJ01XD01P05", "XJ01DD04P1", "XJ01FF01P06", "XJ01DC01P1",
               "XJ01DC09P1", "XJ01DD07P1", "XJ01XD03P05", "XJ01XD02P04")
_J01_P_ICU = ("XJ01DH02P05", "XJ01CR05P45", "XJ01XA01P05", "XJ01DH51P05", "XJ01DD62P15", "XJ01DH05P03",
              "XJ01DF01P1", "XJ01XB01P05", "XJ02AC03P02", "XJ02AX04P50", "XJ02AC01P02")
_CHRONIC_MED = (("I10", 0.4), ("E11.9", 0.3), ("I25.1", 0.15), ("E78.5", 0.15))
_CHRONIC_DRUGS = ("XC08CA01O0005", "XC09CA01O005", "XA10BA02O05", "XA10BB09O008", "XC10AA05O002",
                  "XB01AC06O01", "XC01DA08O001", "XZCY003")

PROFILES: dict[str, Profile] = {
    "general": Profile(
        "general",
        (("J06.9", 3, True), ("J02.9", 1.5, True), ("J20.9", 1.5, True), ("I10", 2, False), ("E11.9", 1.5, False),
         ("K29.7", 1.5, False), ("M54.5", 1, False), ("R51", 0.6, False), ("A09", 0.8, True), ("N39.0", 0.5, True)),
        ("XR05CB06O003", "XN02BE01O05", "XM01AE01O02", "XA02BC01O002", "XZCY001", "XZCY002", "XR06AE07O001"),
        _RESP_J01_O, _J01_P_MED, ("L001", "L008", "L002", "L005"), ("E001", "E004"), ("R001", "R002"),
        p_lab=0.35, p_exam=0.1, chronic=_CHRONIC_MED, chronic_drugs=_CHRONIC_DRUGS,
        chronic_labs=("L005", "L006", "L007", "L004"),
    ),
    "respiratory": Profile(
        "respiratory",
        (("J06.9", 2, True), ("J20.9", 2.5, True), ("J18.9", 1.5, True), ("J44.1", 1, True), ("J45.9", 0.8, False),
         ("J11.1", 0.8, True), ("J02.9", 1, True), ("R05", 0.6, False)),
        ("XR05CB06O003", "XN02BE01O05", "XZCY001", "XJ05AH02O0075", "XR06AE07O001", "XH02AB04P004"),
        _RESP_J01_O, _J01_P_RESP, ("L001", "L008", "L012", "L009", "L018"), ("E001", "E002"), ("R008",),
        p_infection_j01=0.55, p_lab=0.55, p_exam=0.35, p_procedure=0.15, los_mean=9, p_abx_stay=0.6,
        chronic=(("J44.9", 0.6), ("J45.9", 0.4)), chronic_drugs=("XR05CB06O003", "XZCY001", "XH02AB04P004"),
        chronic_labs=("L001",),
    ),
    "internal": Profile(
        "internal",
        (("I10", 2, False), ("E11.9", 2, False), ("I25.1", 1.2, False), ("K29.7", 1.5, False), ("J18.9", 0.8, True),
         ("N39.0", 0.7, True), ("I63.9", 0.5, False), ("I50.9", 0.5, False), ("K21.9", 0.8, False),
         ("N18.9", 0.4, False), ("A09", 0.6, True), ("J20.9", 1, True)),
        ("XA02BC01O002", "XC08CA01O0005", "XA10BA02O05", "XB01AC06O01", "XC10AA05O002", "XZCY003", "XN02BE01O05"),
        (*_RESP_J01_O, "XJ01MA02O025", "XJ01XX01O3"), _J01_P_MED,
        ("L001", "L003", "L004", "L005", "L007", "L002", "L011", "L015"), ("E003", "E004", "E007", "E008"),
        ("R001",), p_lab=0.5, p_exam=0.3, los_mean=9, p_abx_stay=0.3,
        chronic=_CHRONIC_MED, chronic_drugs=_CHRONIC_DRUGS, chronic_labs=("L005", "L006", "L007", "L004"),
        inp_drugs=("XB05XA03P225", "XA02BC02P004", "XC03CA01P002", "XB01AB05P004", "XB05BA03P125"),
    ),
    "surgery": Profile(
        "surgery",
        (("K35.8", 1, True), ("K80.2", 1, False), ("K40.9", 1, False), ("S52.5", 0.8, False), ("S82.2", 0.6, False),
         ("L02.4", 0.8, True), ("M17.9", 1, False), ("N20.0", 0.8, False), ("T14.1", 1, True)),
        ("XN02BE01O05", "XM01AE01O02", "XN02AX02O005", "XD06AX09"),
        ("XJ01DB01O025", "XJ01CA04O05", "XJ01DC02O025", "XJ01CR02O05"), _J01_P_SURG,
        ("L001", "L002", "L010", "L004"), ("E003", "E011", "E002", "E006"), ("R003", "R007"), ("M003", "M004"),
        p_infection_j01=0.6, p_lab=0.35, p_exam=0.4, p_procedure=0.3, los_mean=7, p_abx_stay=0.55,
        inp_surgery=("R004", "R005", "R015"), inp_drugs=("XB05XA03P225", "XN02AX02O005", "XB01AB05P004"),
    ),
    "obstetrics": Profile(
        "obstetrics",
        (("O80", 1, False), ("Z34.9", 2, False), ("N76.0", 1.5, True), ("N92.0", 0.8, False), ("D25.9", 0.6, False),
         ("N70.9", 0.5, True), ("O21.0", 0.4, False)),
        ("XB03AA07O03", "XP01AB01O02", "XN02BE01O05", "XZCY004", "XJ02AC01O015", "XP01AB02O05"),
        ("XJ01CA04O05", "XJ01DC02O025", "XJ01FA10O025", "XJ01XX01O3"), ("XJ01DC02P075", "XJ01DB04P1", "XJ01XD01P05"),
        ("L001", "L002", "L010", "L014"), ("E012",), ("R002",), p_lab=0.45, p_exam=0.45, los_mean=4,
        p_abx_stay=0.3, inp_surgery=("R006",), inp_drugs=("XB05XA03P225", "XB03AA07O03"),
    ),
    "paediatrics": Profile(
        "paediatrics",
        (("J06.9", 3, True), ("J20.9", 1.5, True), ("J18.9", 0.8, True), ("A09", 1.2, True), ("R50.9", 1, True),
         ("B08.4", 0.5, False), ("J45.9", 0.4, False)),
        ("XN02BE01O05", "XR05CB06O003", "XZCY002", "XJ05AH02O0075", "XR06AE07O001"),
        ("XJ01CA04O0125", "XJ01CR02O05", "XJ01DC04O025", "XJ01FA10O025", "XJ01DD08O01"),
        ("XJ01DD04P1", "XJ01FA10P05", "XJ01DC02P075"), ("L001", "L008", "L012", "L013"), ("E001",), ("R008",),
        p_infection_j01=0.45, p_lab=0.55, p_exam=0.15, p_procedure=0.15, los_mean=5, p_abx_stay=0.45,
    ),
    "eye": Profile(
        "eye", (("H10.9", 2, False), ("H25.9", 1.2, False), ("H52.1", 2, False), ("H40.9", 0.5, False)),
        ("XS01AE05",), (), (), ("L001",), ("E009",), ("R014",), ("M006",), p_lab=0.1, p_exam=0.6,
        p_procedure=0.03, los_mean=3, p_abx_stay=0.2, inp_surgery=("R014",), visit_weight=0.6,
    ),
    "ent": Profile(
        "ent", (("H66.9", 1.5, True), ("J32.9", 1, True), ("J35.0", 0.8, False), ("H91.9", 0.6, False)),
        ("XN02BE01O05", "XR06AE07O001", "XZCY002"), ("XJ01CA04O05", "XJ01CR02O05", "XJ01DC02O025", "XJ01FA09O025"),
        ("XJ01DC02P075",), ("L001",), ("E002",), ("R008",), p_infection_j01=0.45, p_lab=0.2, p_exam=0.2,
        los_mean=5, visit_weight=0.6,
    ),
    "dental": Profile(
        "dental", (("K02.9", 2, False), ("K04.0", 1.5, True), ("K05.1", 1.2, True), ("K08.1", 0.6, False)),
        ("XP01AB01O02", "XM01AE01O02", "XP01AB03O025"), ("XJ01CA04O05", "XJ01DB01O025"), (), ("L001",), ("E010",),
        ("R010", "R011"), (), p_infection_j01=0.25, p_lab=0.02, p_exam=0.4, p_procedure=0.6, p_rx=0.4,
        inpatient=False, visit_weight=0.8,
    ),
    "skin": Profile(
        "skin", (("L20.9", 2, False), ("L30.9", 1, False), ("L70.0", 1.2, False), ("B35.4", 0.8, False),
                 ("L50.9", 1, False), ("L02.4", 0.4, True)),
        ("XR06AE07O001", "XD06AX09"), ("XJ01DB01O025", "XJ01AA02O01", "XJ01AA08O005"), (), ("L001",), (), (),
        p_infection_j01=0.5, p_lab=0.1, p_exam=0.0, inpatient=False, visit_weight=0.6,
    ),
    "aesthetic": Profile(
        "aesthetic", (("Z41.1", 3, False), ("L90.5", 1, False), ("L81.4", 1.5, False)),
        ("XM03AX01P", "XD06AX09"), (), (), ("L001", "L010"), (), ("R012", "R013"), ("M005",),
        p_infection_j01=0.0, p_other_j01=0.01, p_lab=0.1, p_exam=0.0, p_procedure=0.8, p_rx=0.3,
        inpatient=False, visit_weight=0.5,
    ),
    "psychiatry": Profile(
        "psychiatry", (("F32.9", 2, False), ("F41.1", 2, False), ("F20.9", 0.8, False), ("G47.0", 1.5, False)),
        ("XN06AB06O005", "XN05CF02O00075"), (), (), ("L001", "L015"), ("E004",), (), p_other_j01=0.0,
        p_lab=0.15, p_exam=0.1, los_mean=18, p_abx_stay=0.02,
        chronic=(("F20.9", 0.5), ("F32.9", 0.5)), chronic_drugs=("XN06AB06O005", "XN05CF02O00075"),
        chronic_labs=("L003",),
    ),
    "infectious": Profile(
        "infectious", (("B18.1", 1.5, False), ("A09", 1, True), ("B01.9", 0.5, False), ("J11.1", 1, True),
                       ("A15.0", 0.5, True)),
        ("XJ05AH02O0075", "XN02BE01O05", "XZCY001"), ("XJ01MA12O05", "XJ01FA10O025", "XJ01CA04O05"),
        ("XJ01MA12P05", "XJ01DD04P1"), ("L001", "L003", "L014", "L012"), ("E001", "E003"), (),
        p_infection_j01=0.35, p_lab=0.6, p_exam=0.2, los_mean=10, p_abx_stay=0.4, visit_weight=0.5,
    ),
    "oncology": Profile(
        "oncology", (("C34.9", 1, False), ("C16.9", 0.8, False), ("C18.9", 0.8, False), ("C50.9", 1, False),
                     ("Z51.1", 2, False)),
        ("XL01BC06O05", "XN02AX02O005"), ("XJ01MA12O05",), ("XJ01CR05P45", "XJ01DD04P1", "XJ02AC01P02"),
        ("L001", "L003", "L016"), ("E002", "E006"), ("R001",), p_other_j01=0.03, p_lab=0.7, p_exam=0.3,
        los_mean=8, p_abx_stay=0.25, visit_weight=0.6,
    ),
    "emergency": Profile(
        "emergency", (("R10.4", 1.5, False), ("J18.9", 1, True), ("J06.9", 1.5, True), ("S06.0", 0.6, False),
                      ("R07.4", 1, False), ("T78.4", 0.5, False), ("S61.0", 0.8, True), ("A09", 1, True),
                      ("I21.9", 0.3, False), ("R50.9", 1, True)),
        ("XN02BE01O05", "XA02BC02P004", "XH02AB04P004", "XB05XA03P225", "XR06AE07O001"),
        _RESP_J01_O, ("XJ01DD04P1", "XJ01MA12P05", "XJ01DC02P075", "XJ01FA10P05"),
        ("L001", "L008", "L011", "L004", "L010"), ("E001", "E002", "E004", "E005"), ("R001", "R003"), ("M001",),
        p_infection_j01=0.55, p_lab=0.7, p_exam=0.45, p_procedure=0.35, inpatient=False, visit_weight=0.7,
    ),
    "rehab": Profile(
        "rehab", (("I69.3", 1, False), ("M54.5", 2, False), ("M17.9", 1, False)),
        ("XM01AE01O02", "XN02AX02O005"), (), (), ("L001",), ("E011",), ("R009",), p_other_j01=0.0,
        p_lab=0.1, p_exam=0.2, p_procedure=0.6, los_mean=16, p_abx_stay=0.05, visit_weight=0.5,
    ),
    "icu": Profile(
        "icu", (("J96.0", 1, True), ("A41.9", 1, True), ("I46.9", 0.4, False), ("J18.9", 1, True)),
        ("XH02AB04P004",), (), _J01_P_ICU, ("L001", "L009", "L017", "L011"), ("E002",), (), p_lab=0.9,
        los_mean=10, p_abx_stay=0.85, inp_drugs=("XB05XA03P225", "XA02BC02P004", "XC03CA01P002", "XB01AB05P004"),
        inp_labs=("L001", "L009", "L017", "L011", "L010", "L004"), visit_weight=0.05,
    ),
    "tcm": Profile(
        "tcm", (("M54.5", 1.5, False), ("K30", 1, False), ("G47.0", 1, False), ("R53", 0.8, False),
                ("J06.9", 1, True), ("I10", 0.8, False)),
        ("XZCY001", "XZCY002", "XZCY003", "XZCY004"), ("XJ01CA04O05",), (), ("L001",), (), ("R009",),
        p_infection_j01=0.12, p_other_j01=0.0, p_lab=0.1, p_exam=0.0, p_procedure=0.35, los_mean=12,
        p_abx_stay=0.05, chronic=(("I10", 0.5), ("G47.0", 0.5)), chronic_drugs=("XZCY003", "XZCY004"),
        chronic_labs=("L005",),
    ),
    "support": Profile(  # 检验, 影像, 病理, 麻醉, 预防保健: few direct visits
        "support", (("Z00.0", 3, False), ("Z01.7", 1, False)), ("XN02BE01O05",), (), (),
        ("L001", "L002", "L003", "L005", "L007"), ("E001", "E003", "E004"), (), p_other_j01=0.0,
        p_lab=0.9, p_exam=0.6, p_rx=0.05, inpatient=False, visit_weight=0.05,
    ),
}

# 诊疗科目 code → profile name (exact code first, then the 一级 code, else "general").
DEPT_PROFILE: dict[str, str] = {
    "01": "support", "02": "general", "03": "internal", "03.01": "respiratory", "04": "surgery",
    "05": "obstetrics", "06": "obstetrics", "07": "paediatrics", "08": "surgery", "09": "paediatrics",
    "10": "eye", "11": "ent", "12": "dental", "13": "skin", "14": "aesthetic", "15": "psychiatry",
    "16": "infectious", "17": "infectious", "19": "oncology", "20": "emergency", "21": "rehab",
    "23": "general", "24": "general", "26": "support", "27": "rehab", "28": "icu", "30": "support",
    "31": "support", "32": "support", "50": "tcm", "52": "tcm",
}

# Standard 诊疗科目 codes, used when a violation needs a department an institution is not licensed for.
STANDARD_DEPTS: tuple[str, ...] = (
    "02", "03", "04", "05", "07", "10", "11", "12", "13", "14", "15", "16", "19", "21", "50",
)

# Monthly factors: overall volume and the weight of respiratory/infectious diagnoses (winter peak).
SEASON_VOLUME = (1.12, 1.02, 1.04, 0.99, 0.96, 0.94, 0.95, 0.95, 0.98, 0.99, 1.02, 1.10)
SEASON_INFECTION = (1.9, 1.7, 1.3, 1.0, 0.8, 0.6, 0.55, 0.55, 0.7, 0.9, 1.3, 1.8)
WEEKDAY = (1.15, 1.05, 1.0, 1.0, 1.0, 0.6, 0.5)  # Monday … Sunday

# Units of unit_strength_g other than grams (the contract's optional strength_unit column).
_STRENGTH_UNIT: dict[str, str] = {"XJ01XB01P05": "MU", "XJ02AX04P50": "mg"}
# Antimicrobials whose use the simulator keeps below the intensity target (every group an office may count).
ANTIMICROBIAL_GROUPS = ("J01", "J02", "P01AB")


def _in_strength_unit(ddd_value: float, ddd_unit: str, strength_unit: str) -> float:
    """A DDD in the unit of the strength (as the engine converts it); NaN where the units do not convert."""
    if ddd_unit == strength_unit:
        return ddd_value
    if (strength_unit, ddd_unit) == ("mg", "g"):
        return ddd_value * 1000.0
    if (strength_unit, ddd_unit) == ("g", "mg"):
        return ddd_value / 1000.0
    return float("nan")


def _ddd_schedule(drugs: tuple[tuple[str, str, str | None, str | None, float | None, float, float], ...],
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(first days of the DDD versions, DDD per drug and version in the drug's strength unit; NaN: none)."""
    from weijian.analytics import ddd

    merged = ddd.merge()
    doses = merged.keys + merged.drugs
    days = sorted({(d.valid_from - _EPOCH).days for d in doses if d.valid_from > ddd.FAR_PAST})
    starts = np.array([-10**6, *days], dtype=np.int64)
    table = np.full((len(drugs), len(starts)), np.nan)
    for i, (code, _, atc, route, strength, _, _) in enumerate(drugs):
        if atc is None or route is None or strength is None:
            continue
        for k, day in enumerate(starts):
            on = _EPOCH + dt.timedelta(days=int(max(day, (ddd.FAR_PAST - _EPOCH).days)))
            d = ddd.in_force(atc, route, on, code, merged)
            if d is not None:
                table[i, k] = _in_strength_unit(d.ddd, d.unit, _STRENGTH_UNIT.get(code, "g"))
    return starts, table


class Catalog:
    """The catalogues as NumPy arrays indexed by small integers, for vectorised draws."""

    def __init__(self) -> None:
        self.drug_code = [d[0] for d in _DRUGS]
        self.drug_name = [d[1] for d in _DRUGS]
        self.drug_atc = [d[2] for d in _DRUGS]
        self.drug_route = [d[3] for d in _DRUGS]
        self.drug_strength = np.array([np.nan if d[4] is None else d[4] for d in _DRUGS])
        self.drug_price = np.array([d[5] for d in _DRUGS])
        self.drug_per_day = np.array([d[6] for d in _DRUGS])
        self.drug_unit = [_STRENGTH_UNIT.get(d[0], "g") if d[4] is not None else None for d in _DRUGS]
        self.drug_is_j01 = np.array([(d[2] or "").startswith("J01") for d in _DRUGS])
        self.drug_is_abx = np.array([(d[2] or "").startswith(ANTIMICROBIAL_GROUPS) for d in _DRUGS])
        self.ddd_starts, self.ddd_table = _ddd_schedule(_DRUGS)
        self.drug_index = {c: i for i, c in enumerate(self.drug_code)}
        self.item_code = [i[0] for i in _ITEMS] + self.drug_code
        self.item_kind = np.array([ITEM_KINDS.index(i[1]) for i in _ITEMS] + [0] * len(_DRUGS), dtype=np.int8)
        self.item_price = np.concatenate([np.array([i[3] for i in _ITEMS]), self.drug_price])
        self.item_index = {c: i for i, c in enumerate(self.item_code)}
        self.n_items = len(_ITEMS)  # drug i is charge item n_items + i
        self.profiles = list(PROFILES.values())
        self.profile_index = {p.name: i for i, p in enumerate(self.profiles)}
        dx: list[str] = []
        for p in self.profiles:
            dx += [d[0] for d in p.dx] + [c[0] for c in p.chronic]
        self.dx_code = list(dict.fromkeys(dx))
        self.dx_index = {c: i for i, c in enumerate(self.dx_code)}
        self.dx_infection = np.zeros(len(self.dx_code), dtype=bool)
        for p in self.profiles:
            for code, _, inf in p.dx:
                self.dx_infection[self.dx_index[code]] |= inf

    def profile_of(self, dept_code: str) -> int:
        name = DEPT_PROFILE.get(dept_code) or DEPT_PROFILE.get(dept_code[:2]) or "general"
        return self.profile_index[name]

    def drugs(self, codes: tuple[str, ...]) -> np.ndarray:
        return np.array([self.drug_index[c] for c in codes], dtype=np.int32)

    def items(self, codes: tuple[str, ...]) -> np.ndarray:
        return np.array([self.item_index[c] for c in codes], dtype=np.int32)

    def drug_ddd(self, code: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The DDD of each drug on each day (days since 1970), in the drug's strength unit; NaN where none."""
        k = np.searchsorted(self.ddd_starts, day, side="right") - 1
        return self.ddd_table[code, k]


CATALOG = Catalog()
