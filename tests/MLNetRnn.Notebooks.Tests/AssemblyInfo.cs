// Every test here moves the process's current directory (the kernel's working directory) while it runs.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
