"""Exercise pictures: every exercise has one safe SVG with alt text; what the checks allow and refuse beyond defects/."""

from xml.etree import ElementTree as ET

import pytest

from service.knowledge import KnowledgeError, load_knowledge
from service.knowledge.illustrations import MAX_BYTES

KB = load_knowledge()
EXERCISES = [x for t in KB.treatments for x in t.exercises]
SVG = "{http://www.w3.org/2000/svg}"


def test_the_exercises_are_all_drawn():
    assert len(EXERCISES) == 12
    assert set(KB.illustrations) == {x.id for x in EXERCISES}


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda x: x.id)
def test_each_exercise_has_its_own_picture_with_alt_text(exercise):
    picture = exercise.illustration
    assert picture is KB.illustrations[exercise.id] and picture.alt == exercise.illustration_alt
    root = ET.fromstring(picture.svg)  # noqa: S314 - our own checked files
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == exercise.name.get_text()  # the picture names its exercise
    assert root.findtext(f"{SVG}desc")
    _, _, width, height = root.get("viewBox").split()
    assert (picture.width, picture.height) == (int(width), int(height))
    assert (root.get("width"), root.get("height")) == (width, height)
    assert len(picture.alt.get_text().split()) >= 8  # describes the pose, not just its name


def write(data_copy, svg: str, name: str = "cat-cow") -> None:
    (data_copy / "illustrations" / f"{name}.svg").write_text(svg)


OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 20 10" '
ALLOWED = [
    ("a marker used by fragment", '<marker id="cat-cow-head"/><path d="M0 0L5 5" marker-end="url(#cat-cow-head)"/>'),
    ("a use by href fragment", '<g id="cat-cow-leg"/><use href="#cat-cow-leg"/><use xlink:href="#cat-cow-leg"/>'),
    ("a comment", "<!-- the floor -->"),
]


@pytest.mark.parametrize("body", [b for _, b in ALLOWED], ids=[n for n, _ in ALLOWED])
def test_local_references_are_allowed(data_copy, body):
    write(data_copy, f'{OPEN}role="img"><title>Cat-cow</title>{body}</svg>')
    picture = load_knowledge(data_copy).illustrations["cat-cow"]
    assert (picture.width, picture.height) == (20, 10)


@pytest.mark.parametrize(
    "svg, field",
    [
        (f'{OPEN}role="img"><title>Cat-cow</title><desc>{"x" * MAX_BYTES}</desc></svg>', "-"),
        (f'{OPEN}role="img"><title> </title></svg>', "title"),
        (f'{OPEN}role="img"><g><title>Cat-cow</title></g></svg>', "title"),
        ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 10" role="img"><title>C</title></svg>', "viewBox"),
        ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ten 10" role="img"><title>C</title></svg>', "viewBox"),
        ('<svg viewBox="0 0 20 10" role="img"><title>Cat-cow</title></svg>', "svg"),
        (f'{OPEN}role="img"><title>C</title><a href="javascript:alert(1)"><circle r="1"/></a></svg>', "href"),
        (f'{OPEN}role="img"><title>C</title><rect filter="url( \'https://e.org/f.svg#x\' )"/></svg>', "filter"),
        (f'{OPEN}role="img"><title>C</title><circle r="1" ONCLICK="x()"/></svg>', "ONCLICK"),
        (f'{OPEN}role="img" onload="x()"><title>C</title></svg>', "onload"),
    ],
)
def test_pictures_that_could_load_or_run_something_are_refused(data_copy, svg, field):
    write(data_copy, svg)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(data_copy)
    assert (caught.value.file, caught.value.record, caught.value.field) == (
        "illustrations/cat-cow.svg",
        "cat-cow",
        field,
    )


def test_a_picture_not_in_utf8_is_refused(data_copy):
    (data_copy / "illustrations" / "cat-cow.svg").write_bytes(
        f"{OPEN}role='img'><title>Caf\xe9</title></svg>".encode("latin-1")
    )
    with pytest.raises(KnowledgeError, match="not UTF-8"):
        load_knowledge(data_copy)


def test_pictures_count_in_the_content_hash(data_copy):
    svg = (data_copy / "illustrations" / "cat-cow.svg").read_text()
    write(data_copy, svg.replace("#c2410c", "#b91c1c"))
    assert load_knowledge(data_copy).content_hash != KB.content_hash
