"""The peer finder ("Wer hat das schon gemacht?"): one question over the case pages, action
modules and forum lessons the viewer may read, each result with the reasons it matched.

``entries``: the denormalised search table (``PeerFinderEntry``) and its policy columns.
``index``: the services that keep it current. ``search``: the question, its filters and the
ranking. ``views``: the page.
"""
