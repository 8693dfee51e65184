"""The scopes an API key may be limited to. A key with no scopes may do everything its role allows."""

SCOPES: dict[str, str] = {
    "recordings:read": "xem bản ghi âm (read recordings)",
    "recordings:write": "tải lên và sửa bản ghi âm (upload and edit recordings)",
    "jobs:read": "xem công việc nhận dạng (read jobs)",
    "jobs:write": "tạo và hủy công việc nhận dạng (create and cancel jobs)",
    "transcripts:read": "xem và xuất bản gỡ băng (read and export transcripts)",
    "transcripts:write": "sửa bản gỡ băng (edit transcripts)",
}
