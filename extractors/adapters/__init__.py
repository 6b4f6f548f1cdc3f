"""Adapters to the world outside the process: HTTP (:mod:`.fetching`), alert
channels (:mod:`.notify`), worker processes (:mod:`.parallel`) and a loopback
file server (:mod:`.loopback`). Everything else in ``extractors`` is plain
functions over values; these hold connections, processes or threads, and are
injected where they are used (built once by :class:`flows.runtime.Runtime`)."""

__all__: list[str] = []
