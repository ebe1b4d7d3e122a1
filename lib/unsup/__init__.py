"""unsup: the shared package of the book *Unsupervised Learning, Executed*.

Modules by topic:

- :mod:`unsup.divergences` -- distances between probability distributions
- :mod:`unsup.distinguish` -- telling two distributions apart from samples
- :mod:`unsup.density` -- kernel density estimates and the memorizing model
- :mod:`unsup.pareto` -- Pareto fronts of two objectives
- :mod:`unsup.bounds` -- generalization bounds: uniform convergence, mutual information, PAC-Bayes
- :mod:`unsup.gibbs` -- Gibbs (generalized Bayes) posteriors for any loss
- :mod:`unsup.data` -- seeded synthetic data sets
- :mod:`unsup.sprites` -- sprites with known factors and scikit-learn's digits
- :mod:`unsup.vae` -- VAEs and beta-VAEs: ELBO, importance weighting, I(X; Z), MIG
- :mod:`unsup.generative` -- linear autoencoders, gradient estimators, AR models, flows, InfoNCE
- :mod:`unsup.compression` -- arithmetic coding, adaptive context models, compressor-based estimates
- :mod:`unsup.causal` -- Bayesian networks, interventions, SEMs, counterfactuals, partial models
- :mod:`unsup.dynamics` -- learning dynamics: neural tangent kernels, modified losses of GD and SGD, hypergradients, scale invariance
- :mod:`unsup.sequences` -- exact autoregressive models of a^n b^n, the Polya urn and Beta-Bernoulli predictives
- :mod:`unsup.markov_mixture` -- mixtures of Markov chains and of HMMs: exact in-context predictives
- :mod:`unsup.seqmodels` -- small torch sequence models (GRU) trained on string samples
- :mod:`unsup.search` -- the MIU formal system: proof checker, breadth-first and best-first proof search
- :mod:`unsup.simplicity` -- random-network boolean functions, Lempel-Ziv complexity
- :mod:`unsup.ratedistortion` -- Blahut-Arimoto rate-distortion curves, closed forms, patch vector quantization
- :mod:`unsup.scaling` -- the L(N, D) scaling law of Kaplan et al. and its change of data unit
- :mod:`unsup.selfsupervised` -- augmentations, InfoNCE contrastive training, linear probes and label budgets
- :mod:`unsup.generalization` -- random labels, many interpolating minima, no-free-lunch counting
- :mod:`unsup.learners` -- digital vs analogue learners: weight sharing, distillation, forward gradients
- :mod:`unsup.diffusion` -- tiny DDPM and autoregressive models of 2-D data
- :mod:`unsup.figures` -- the explorers of every chapter, one module per chapter
- :mod:`unsup.claims` -- claim checks that raise when a source's claim fails
- :mod:`unsup.interactive` -- the explorer registry and its slider UI
- :mod:`unsup.plotting` -- the book's one plotting style
- :mod:`unsup.progress` -- progress bars that the website build switches off
"""

__version__ = "0.1.0"
