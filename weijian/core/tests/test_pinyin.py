"""Names order by pinyin (then tone), not by code point; people's names read the surname reading."""

from weijian.core.pinyin import sort_key


def test_names_sort_in_pinyin_order_not_code_point_order() -> None:
    names = ["张伟", "安娜", "李娜", "曾小明", "王芳", "白雪", "李明"]
    assert sorted(names) != ["安娜", "白雪", "李娜", "李明", "王芳", "曾小明", "张伟"]  # code points disagree
    ordered = sorted(names, key=lambda n: sort_key(n, person=True))
    assert ordered == ["安娜", "白雪", "李明", "李娜", "王芳", "曾小明", "张伟"]


def test_key_shape_tones_and_readings() -> None:
    assert sort_key("李") < sort_key("李明") < sort_key("李娜")  # a shorter name first; ming2 before na4
    assert sort_key("长宁区中心医院").startswith("chang2 ning2")  # a place name read as a place name
    assert sort_key("单雄信", person=True).startswith("shan4") and sort_key("单位").startswith("dan1")
    assert sort_key("ＡＢＣ诊所") == "abc zhen3 suo3"  # full-width letters normalised
    assert sort_key("") == "" and sort_key(None) == ""
    assert len(sort_key("医" * 300, max_length=600)) == 600
