"""Each chapter's own code: experiments, constants and cached runs, one module per notebook.

A module here is named after its notebook (``unsup.chapters.in_context_learning`` serves
``notebooks/essays/in_context_learning.ipynb``). Code that only one chapter uses lives
here; reusable mathematics lives in the library modules beside this package.
"""
