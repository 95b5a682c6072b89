"""Who may read, post and moderate in each kind of space, by role: what the tests expect, stated
independently of forum.rules."""

READ = {
    "closed": {"member", "coach", "core_team", "admin"},
    "academy": {"outsider", "member", "coach", "core_team", "editor", "admin"},
}
POST = {
    "closed": {"member", "coach", "core_team", "admin"},
    "academy": {"outsider", "member", "coach", "core_team", "admin"},
}
MODERATE = {
    "closed": {"coach", "core_team", "admin"},
    "academy": {"core_team", "admin"},
}
