"""Imported by the forkserver of ``reviewbait score --jobs N`` before it forks any worker.

It loads (and verifies) the model named in ``REVIEWBAIT_FORKSERVER_MODEL`` once, so that the
workers forked from the server share its pages instead of each loading a copy; see
:func:`reviewbait.io.pool.preload_in_forkserver`. Importing it anywhere else, without that
variable, does nothing.
"""

from reviewbait.io.pool import preload_in_forkserver

preload_in_forkserver()
