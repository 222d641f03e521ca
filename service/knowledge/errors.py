"""The one error the knowledge loader raises."""


class KnowledgeError(Exception):
    """A defect in the knowledge files, naming the file, the record and the field."""

    def __init__(self, file: str, record: str, field: str, message: str) -> None:
        self.file, self.record, self.field, self.message = file, record, field, message
        super().__init__(f"{file}: record {record!r}: field {field!r}: {message}")
