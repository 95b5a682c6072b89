"""Sharing with consent on the sockets: the copy reaches the target space's live readers, a
withdrawal takes the post off their pages, and nobody outside learns of either; no event
carries the shared text."""

import pytest

from forum import services
from forum.models import Space
from tests.helpers.realtime import connect, db, receive, subscribe, unexpected

pytestmark = pytest.mark.django_db(transaction=True)


def share_into(world, target):
    forum, member = world.forum, world.member
    proposal = services.propose_share(
        topic=forum.closed_topic,
        proposer=member,
        post_ids=[forum.closed_post.pk],
        target=target,
    )
    return services.confirm_share(proposal=proposal, moderator=world.coach)


async def test_the_copy_and_its_withdrawal_reach_the_targets_readers_only(world):
    other_space = await db(Space.objects.get)(consortium=world.cast.other_consortium)
    reader = await connect(world.outsider)  # member of the target consortium
    await subscribe(reader, f"space:{other_space.pk}")
    # The source's members do not read the target space: their socket is refused there.
    member = await connect(world.member)
    await member.send_json_to({"type": "subscribe", "stream": f"space:{other_space.pk}"})
    assert await receive(member) == {"type": "refused", "stream": f"space:{other_space.pk}"}

    copy = await db(share_into)(world, other_space)

    created = await receive(reader)
    assert created["kind"] == "topic.created"
    assert created["payload"]["topic_id"] == copy.pk
    copied = await db(copy.posts.get)()
    await unexpected(reader)  # the bell's hint about the new topic
    await subscribe(reader, f"topic:{copy.pk}")
    await db(services.withdraw_shared_post)(post=copied, author=world.member)
    removed = await receive(reader)
    assert (removed["kind"], removed["payload"]["change"]) == ("post.changed", "removed")
    assert "Wie war es bei euch?" not in str(created) + str(removed)
    # The proposer hears it is shared (their bell), nothing of the target's streams.
    leaked = [m for m in await unexpected(member) if not m.get("stream", "").startswith("user:")]
    assert leaked == []
    await reader.disconnect()
    await member.disconnect()
