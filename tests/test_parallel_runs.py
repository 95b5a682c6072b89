"""The test loop's own assumptions: pytest-xdist's ``loadgroup`` keeps the browser tests on one
worker by renaming each item's node id; a pytest release that reads node ids from elsewhere
would silently spread them again (each worker then starts its own demo server)."""


def test_a_renamed_node_id_reaches_the_scheduler(request):
    item = request.node
    original = item.nodeid
    item._nodeid = f"{original}@probe"
    try:
        assert item.nodeid == f"{original}@probe"
    finally:
        item._nodeid = original
