"""The built-in lesson: the course "Deep learning par la pratique", lessons 1 to 3, step by step.

Each step is one of the pages' named states (the presets the home page links to) or a
variant of it, with the slide's words as its caption. The worked examples are walked
through the way the slides do: the 4×4 ⋆ 3×3 convolution cell by cell, then as the
4×16 matrix product; the 2×2 → 4×4 transposed convolution partial by partial with its
running sum, then the columns of Cᵀ. Numbers in captions are the engine's (checked by
the tests against torch), with the two slide typos corrected.
"""

from __future__ import annotations

from aeviz.state.lesson import Lesson, Step

__all__ = ["builtin_lesson"]


def _preset(page: str, name: str):
    import importlib

    return importlib.import_module(f"aeviz.state.{page}").PRESETS[name]()


def _conv_cell(step: int, row: int, col: int):
    from aeviz.state.convolution import ConvolutionState
    from aeviz.state.lab import Cell, LabState

    return ConvolutionState(step=step, **LabState.select(Cell("output", row, col)))


def _partial(step: int, row: int, col: int):
    from aeviz.state.lab import Cell, LabState
    from aeviz.state.transposed import TransposedState

    return TransposedState(step=step, **LabState.select(Cell("input", row, col)))


#: (page, state maker, French caption, English caption, action)
_STEPS = [
    # ---- Lesson 1: the autoencoder
    ("training", lambda: _preset("training", "what_is_ae"),
     "Leçon 1 · Le but de l'auto-encodeur est de prendre des données et de les encoder dans une dimension plus "
     "petite, à partir de laquelle elles peuvent ensuite être restaurées avec précision.",
     "Lesson 1 · An autoencoder takes data and encodes it into a smaller dimension from which it can then be "
     "restored accurately.", ""),
    ("training", lambda: _preset("training", "what_is_ae"),
     "Entraînons-le en direct : 784 pixels → un code de 2 nombres → 784 pixels. La perte baisse, les "
     "reconstructions s'affinent.",
     "Let us train it live: 784 pixels → a code of 2 numbers → 784 pixels. The loss falls, the reconstructions "
     "sharpen.", "train"),
    ("compression", lambda: _preset("compression", "compression"),
     "Quand l'utilisons-nous ? Compression des données : plus le code est petit, plus l'image restaurée perd de "
     "détails. L'auto-encodeur fait mieux que l'ACP.",
     "When do we use it? Data compression: the smaller the code, the more detail the restored image loses. The "
     "autoencoder beats PCA.", ""),
    ("latent", lambda: _preset("latent", "dim_reduction"),
     "Réduction de la dimensionnalité : chaque image de test devient un point ; les chiffres se regroupent sans "
     "qu'on leur ait donné les étiquettes.",
     "Dimensionality reduction: each test image becomes a point; digits gather without ever being given the "
     "labels.", ""),
    ("latent", lambda: _preset("latent", "features"),
     "Apprendre des caractéristiques intéressantes : ce que chaque dimension du code a appris.",
     "Learning interesting features: what each dimension of the code has learned.", ""),
    ("pretraining", lambda: _preset("pretraining", "pretraining"),
     "Pré-entraînement non supervisé : apprendre sur toutes les images, puis classer avec peu d'étiquettes.",
     "Unsupervised pretraining: learn from all the images, then classify with few labels.", ""),
    ("latent", lambda: _preset("latent", "generate"),
     "Générer de nouvelles données : décoder des codes qu'aucune image n'a donnés.",
     "Generating new data: decode codes that no image gave.", ""),
    # ---- Lesson 2: convolution and transposed convolution
    ("convolution", lambda: _preset("convolution", "convolution").with_changes(step=-1, selected="none"),
     "Leçon 2 · Convolution : entrée 4×4 * noyau 3×3 = sortie 2×2.",
     "Lesson 2 · Convolution: 4×4 input * 3×3 kernel = 2×2 output.", ""),
    ("convolution", lambda: _conv_cell(0, 0, 0),
     "y(0, 0) = 4·1 + 5·4 + 8·1 + 1·1 + 8·4 + 8·3 + 3·3 + 6·3 + 6·1 = 122",
     "y(0, 0) = 4·1 + 5·4 + 8·1 + 1·1 + 8·4 + 8·3 + 3·3 + 6·3 + 6·1 = 122", ""),
    ("convolution", lambda: _conv_cell(1, 0, 1),
     "La fenêtre glisse d'une case : y(0, 1) = 5·1 + 8·4 + 7·1 + 8·1 + 8·4 + 8·3 + 6·3 + 6·3 + 4·1 = 148",
     "The window slides one cell: y(0, 1) = 5·1 + 8·4 + 7·1 + 8·1 + 8·4 + 8·3 + 6·3 + 6·3 + 4·1 = 148", ""),
    ("convolution", lambda: _conv_cell(2, 1, 0),
     "Ligne suivante : y(1, 0) = 1·1 + 8·4 + 8·1 + 3·1 + 6·4 + 6·3 + 6·3 + 5·3 + 7·1 = 126",
     "Next row: y(1, 0) = 1·1 + 8·4 + 8·1 + 3·1 + 6·4 + 6·3 + 6·3 + 5·3 + 7·1 = 126", ""),
    ("convolution", lambda: _conv_cell(3, 1, 1),
     "y(1, 1) = 8·1 + 8·4 + 8·1 + 6·1 + 6·4 + 4·3 + 5·3 + 7·3 + 8·1 = 134",
     "y(1, 1) = 8·1 + 8·4 + 8·1 + 6·1 + 6·4 + 4·3 + 5·3 + 7·3 + 8·1 = 134", ""),
    ("convolution", lambda: _preset("convolution", "matrix"),
     "La même convolution en produit matriciel : C (4×16) · vec(x) (16×1) = vec(y) (4×1), remis en 2×2. Chaque "
     "ligne de C porte le noyau déroulé.",
     "The same convolution as a matrix product: C (4×16) · vec(x) (16×1) = vec(y) (4×1), reshaped 2×2. Each row "
     "of C holds the unrolled kernel.", ""),
    ("transposed", lambda: _preset("transposed", "transposed").with_changes(step=-1, selected="none"),
     "Convolution transposée (déconvolution) : entrée 2×2, noyau 3×3 → sortie 4×4.",
     "Transposed convolution (deconvolution): 2×2 input, 3×3 kernel → 4×4 output.", ""),
    ("transposed", lambda: _partial(0, 0, 0),
     "Chaque entrée pose une copie du noyau multipliée par sa valeur : 55 × k, en haut à gauche.",
     "Each input element lays down a copy of the kernel times its value: 55 × k, top left.", ""),
    ("transposed", lambda: _partial(1, 0, 1),
     "52 × k, décalé d'une case ; là où les copies se recouvrent, on additionne (somme en cours).",
     "52 × k, shifted one cell; where the copies overlap they add up (running sum).", ""),
    ("transposed", lambda: _partial(2, 1, 0),
     "57 × k, une ligne plus bas (57·2 = 114).",
     "57 × k, one row down (57·2 = 114).", ""),
    ("transposed", lambda: _partial(3, 1, 1),
     "50 × k : la somme des quatre partielles est la sortie ; dernière ligne 57 107 164 100.",
     "50 × k: the sum of the four partials is the output; last row 57 107 164 100.", ""),
    ("transposed", lambda: _preset("transposed", "ct_columns"),
     "En matrice : Cᵀ (16×4) · vec(x) ; vec(y) = 55·col₁ + 52·col₂ + 57·col₃ + 50·col₄, les colonnes de Cᵀ.",
     "As a matrix: Cᵀ (16×4) · vec(x); vec(y) = 55·col₁ + 52·col₂ + 57·col₃ + 50·col₄, the columns of Cᵀ.", ""),
    ("exercises", lambda: _preset("exercises", "conv_cell"),
     "À vous : calculez la case demandée (la même graine donne à tous le même exercice).",
     "Your turn: compute the asked cell (the same seed gives everyone the same exercise).", ""),
    # ---- Lesson 3: applications
    ("linear", lambda: _preset("linear", "linear"),
     "Leçon 3 · Cas linéaire : factorisation de matrices X = U·Vᵀ ; minimiser ‖X − U·Vᵀ‖ retrouve le sous-espace "
     "de l'ACP.",
     "Lesson 3 · The linear case: matrix factorisation X = U·Vᵀ; minimising ‖X − U·Vᵀ‖ finds PCA's subspace.", ""),
    ("training", lambda: _preset("training", "denoising"),
     "Débruitage : entrée bruitée → couche d'entrée, couches cachées, couche de sortie → image débruitée, à "
     "comparer à l'original propre.",
     "Denoising: noisy input → input layer, hidden layers, output layer → denoised image, compared with the "
     "clean original.", ""),
    ("pretraining", lambda: _preset("pretraining", "pretraining"),
     "Pré-entraînement non supervisé : l'encodeur appris sans étiquettes, puis un classifieur entraîné avec "
     "peu d'exemples ; avec peu d'étiquettes par classe, il fait mieux qu'un réseau entraîné à partir de zéro.",
     "Unsupervised pretraining: the encoder learned without labels, then a classifier trained on few "
     "examples; with few labels per class it beats a network trained from scratch.", ""),
    ("latent", lambda: _preset("latent", "exploration"),
     "Analyse exploratoire des données : la carte des codes des 10 000 images de test.",
     "Exploratory data analysis: the map of the codes of the 10,000 test images.", ""),
    ("latent", lambda: _preset("latent", "morphing"),
     "Morphing d'images : si Enc(Image1) = C1 et Enc(Image2) = C2, alors (C1+C2)/2 est une moyenne sémantique des "
     "deux images — à comparer au simple mélange des pixels.",
     "Image morphing: if Enc(Image1) = C1 and Enc(Image2) = C2, then (C1+C2)/2 is a semantic average of the two "
     "images — compare with the plain pixel blend.", ""),
    ("latent", lambda: _preset("latent", "attributes"),
     "Modifier des attributs : ajouter un vecteur dans l'espace des codes change un trait de l'image (ici, "
     "l'épaisseur du trait) ; avec des visages, on ajoute une moustache.",
     "Editing attributes: adding a vector in the code space changes one trait of the image (here, the stroke's "
     "thickness); with faces, one adds a moustache.", ""),
]


def builtin_lesson() -> Lesson:
    steps = tuple(Step(page, make(), fr, en, action) for page, make, fr, en, action in _STEPS)
    return Lesson("Deep learning par la pratique — leçons 1 à 3", "Deep learning by practice — lessons 1 to 3", steps)
