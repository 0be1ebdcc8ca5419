"""The job core: where blocks of rows render (local worker processes or a Dask cluster) and
how the front ends drive their jobs. Nothing here imports Qt.

    backend.py     the interfaces: RenderBackend (the local pool, Dask, the tests' fake) and
                   JobEvents (a backend plus a way to watch its jobs)
    events.py      what a backend reports, every event tagged with its job id
    router.py      EventRouter: hands a backend's events to the handler of each job
    scheduler.py   FrameScheduler: a few frames in flight, handed on in frame order
    frames.py      FrameRun: the command line's frames over a FrameScheduler (the first
                   frame's load tells FRAMES, FPS and the size)
    service.py     RenderService, the local pool; jobs.py its bookkeeping; dispatch.py who does
                   what next (a worker holding a scene version is sent none of it); processes.py
    worker.py      the worker process; protocol.py the records on its pipe (and FrameInfo)
    loads.py       what local workers and Dask tasks do alike with a scene version
    cluster.py     ClusterService, on Dask; dask_tasks.py, dask_connect.py, dask_quiet.py
"""
