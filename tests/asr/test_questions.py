"""Which spoken sentences ask: the grammar rules of `asr.questions` (no model involved)."""

from __future__ import annotations

import pytest

from asr.questions import is_question, question_before_request


def asks(said: str) -> bool:
    return is_question(said.split())


@pytest.mark.parametrize(
    "said",
    [
        "ai là người ký quyết định này",
        "vì sao đến giờ trường vẫn chưa có nhà vệ sinh",
        "đến bao giờ thì người dân có nước sạch",
        "chủ tịch xã có biện pháp gì để xử lý",
        "dự án này sẽ triển khai như thế nào",
        "kinh phí lấy ở đâu ra",
        "còn những thôn nào chưa nộp",
        "ủa sao hôm nay vắng vậy",
        "răng chừ chưa làm",
        "phải chăng chúng ta đã chủ quan",
    ],
)
def test_a_question_word_inside_the_sentence_asks(said: str) -> None:
    assert asks(said)


@pytest.mark.parametrize(
    "said",
    [
        "hồ sơ này nộp rồi phải không ạ",
        "anh tư có đi họp hông",
        "nộp chưa chị hai",
        "mai họp được không anh",
        "đồng chí có ý kiến gì không",
        "năm nay mưa nhiều nhỉ",
        "anh cũng ký chứ",
        "xong rồi à",
        "các đồng chí đã hiểu rõ vấn đề chưa",
    ],
)
def test_a_final_particle_asks_with_what_may_follow_it(said: str) -> None:
    assert asks(said)


@pytest.mark.parametrize(
    "said",
    [
        "dạ chưa ạ",
        "dạ không",
        "tôi thì không",
        "em cũng chưa",
        "số hộ nghèo giảm về không",
        "cảng hàng không",
        "hệ số một phẩy không",
        "vui quá nhỉ",
        "phải làm cho xong chứ",
    ],
)
def test_answers_and_words_ending_in_a_particle_do_not_ask(said: str) -> None:
    assert not asks(said)


@pytest.mark.parametrize(
    "said",
    [
        "không có ai vắng mặt",
        "chúng tôi chưa nhận được gì",
        "ai cũng phải chấp hành",
        "việc gì cũng phải có kế hoạch",
        "ai đến trước thì ngồi trước",
        "có vướng mắc gì thì báo cáo ngay",
        "bất cứ khoản chi nào cũng phải có chứng từ",
        "đơn vị nào chậm nộp sẽ bị phê bình",
        "người nào ký thì người đó chịu trách nhiệm",
        "đại biểu nào tán thành xin giơ tay",
        "ai không đồng ý",
        "chuyện đó có gì đâu",
        "không sao",
        "không phải đâu",
        "bản sao có chứng thực",
        "sao chép tài liệu",
    ],
)
def test_indefinite_question_words_do_not_ask(said: str) -> None:
    assert not asks(said)


@pytest.mark.parametrize(
    "said",
    [
        "đề nghị phòng tài chính làm rõ vì sao chi vượt dự toán",
        "xin đồng chí cho biết kinh phí còn lại là bao nhiêu",
        "không biết bao giờ mới có đường",
        "cần kiểm tra xem có đúng quy định hay không",
        "cử tri hỏi tôi tiền đó dùng vào việc gì",
        "về câu hỏi vì sao chậm tôi xin trả lời như sau",
    ],
)
def test_indirect_questions_end_with_a_full_stop(said: str) -> None:
    assert not asks(said)


def test_a_direct_question_after_asking_or_a_yes_no_frame_asks() -> None:
    assert asks("xin hỏi đồng chí bao giờ thì xong")
    assert asks("tôi muốn hỏi giám đốc sở ai cấp phép cho cơ sở này")
    assert asks("đồng chí có biết vì sao dân bức xúc không")
    assert asks("câu hỏi của tôi là ai chịu trách nhiệm")


def test_a_mark_ends_the_clause_a_verb_of_knowing_governs() -> None:
    said = "báo cáo đã nêu rõ nguyên nhân ai chịu trách nhiệm"
    assert not asks(said)  # "nêu rõ … ai …" read as one clause: indirect
    assert is_question(said.replace("nhân", "nhân,").split())


@pytest.mark.parametrize(
    ("said", "ends"),
    [
        ("vì sao vậy đề nghị giám đốc trả lời", 2),
        ("vì sao sở không thực hiện đề nghị của cử tri", None),
        ("đề nghị giám đốc cho biết vì sao", None),
    ],
)
def test_a_question_before_a_request_ends_there(said: str, ends: int | None) -> None:
    assert question_before_request(said.split()) == ends
