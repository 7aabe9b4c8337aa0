"""The user's language for the errors the core raises.

Core errors (:class:`aeviz.core.errors.AevizError`: ``BundleError``, ``DatasetError``,
``SampleImageError``, ``ConvError``) carry a stable ``code`` and plain ``params``; this module holds one
French and one English sentence per code (catalogue key ``err.<code>``) and fills them
in. Anything else falls back
to its own message, so :func:`describe_error` can be used wherever an error is shown.
"""

from __future__ import annotations

from aeviz.core.errors import AevizError
from aeviz.state.base import StateError
from aeviz.ui.i18n import add_strings, current_language, has_key, tr

__all__ = ["describe_error", "ERROR_TEXTS"]

ERROR_TEXTS = {
    # ---- files, whatever they hold (bundle.*, data.*, image.* share these words)
    "bundle.not_found": {"en": "{name}: file not found.", "fr": "{name} : fichier introuvable."},
    "bundle.is_folder": {"en": "{name} is a folder, not an aeviz model.",
                         "fr": "{name} est un dossier, pas un modèle aeviz."},
    "bundle.not_regular": {"en": "{name} is not a regular file (a pipe or a device?); it was not opened.",
                           "fr": "{name} n'est pas un fichier ordinaire (un tube ou un périphérique ?) ; "
                                 "il n'a pas été ouvert."},
    "bundle.unreadable": {"en": "{name} cannot be read (permissions?).",
                          "fr": "{name} ne peut pas être lu (droits d'accès ?)."},
    "bundle.foreign": {"en": "{name} is not an aeviz model ({kind}).",
                       "fr": "{name} n'est pas un modèle aeviz ({kind})."},
    "bundle.no_meta": {"en": "{name} is a zip file but not an aeviz model (no meta.json).",
                       "fr": "{name} est un fichier zip mais pas un modèle aeviz (pas de meta.json)."},
    "bundle.member_too_large": {
        "en": "{name}: {member} is implausibly large ({size} bytes; the limit is {limit}). The file was not read.",
        "fr": "{name} : {member} est d'une taille invraisemblable ({size} octets ; la limite est {limit}). "
              "Le fichier n'a pas été lu."},
    "bundle.damaged": {"en": "{name} is damaged or truncated.", "fr": "{name} est endommagé ou tronqué."},
    "bundle.meta_json": {"en": "{name}: the model description (meta.json) is not valid JSON.",
                         "fr": "{name} : la description du modèle (meta.json) n'est pas du JSON valide."},
    "bundle.not_bundle": {"en": "{name} is not an aeviz model (format {format}).",
                          "fr": "{name} n'est pas un modèle aeviz (format {format})."},
    "bundle.bad_version": {"en": "{name}: invalid format version {version}.",
                           "fr": "{name} : numéro de version de format invalide ({version})."},
    "bundle.newer_version": {
        "en": "{name} was made by a newer aeviz (format {version}); this version reads up to format {supported}.",
        "fr": "{name} a été créé par une version plus récente d'aeviz (format {version}) ; cette version lit "
              "jusqu'au format {supported}."},
    "bundle.bad_field": {"en": "{name}: the field {field} is invalid (expected {expected}).",
                         "fr": "{name} : le champ {field} est invalide (attendu : {expected})."},
    "bundle.unknown_field": {"en": "{name}: unknown field(s) {field} in the model description.",
                             "fr": "{name} : champ(s) inconnu(s) {field} dans la description du modèle."},
    "bundle.bad_model": {"en": "{name}: the model description is invalid.",
                         "fr": "{name} : la description du modèle est invalide."},
    "bundle.bad_train": {"en": "{name}: the training description is invalid.",
                         "fr": "{name} : la description de l'entraînement est invalide."},
    "bundle.conv_shape": {
        "en": "{name}: {levels} stride-2 layers need a height and width divisible by {divisor}, not {height}×{width}.",
        "fr": "{name} : {levels} couches de pas 2 demandent une hauteur et une largeur divisibles par {divisor}, "
              "pas {height}×{width}."},
    "bundle.vae_hidden": {"en": "{name}: a VAE needs at least one hidden layer.",
                          "fr": "{name} : un VAE a besoin d'au moins une couche cachée."},
    "bundle.limit": {
        "en": "{name}: this model is too large for aeviz: {limit} {value} exceeds the limit of {max}. "
              "Nothing was loaded.",
        "fr": "{name} : ce modèle est trop grand pour aeviz : {limit} {value} dépasse la limite de {max}. "
              "Rien n'a été chargé."},
    "bundle.missing_weights": {"en": "{name}: the weights ({member}) are missing.",
                               "fr": "{name} : les poids ({member}) sont absents."},
    "bundle.weights_truncated": {"en": "{name}: the weights are truncated.",
                                 "fr": "{name} : les poids sont tronqués."},
    "bundle.weights_header": {"en": "{name}: the description of the weights is damaged.",
                              "fr": "{name} : la description des poids est endommagée."},
    "bundle.tensor_invalid": {"en": "{name}: the tensor {tensor} has an invalid description.",
                              "fr": "{name} : le tenseur {tensor} a une description invalide."},
    "bundle.tensor_outside": {"en": "{name}: the tensor {tensor} points outside the file (truncated?).",
                              "fr": "{name} : le tenseur {tensor} pointe hors du fichier (tronqué ?)."},
    "bundle.tensor_size": {"en": "{name}: the tensor {tensor} has {nbytes} bytes for the shape {shape}.",
                           "fr": "{name} : le tenseur {tensor} a {nbytes} octets pour la forme {shape}."},
    "bundle.tensor_layout": {"en": "{name}: the tensors overlap or leave gaps in the file.",
                             "fr": "{name} : les tenseurs se chevauchent ou laissent des trous dans le fichier."},
    "bundle.trailing_bytes": {"en": "{name}: {count} unexpected bytes after the weights.",
                              "fr": "{name} : {count} octets inattendus après les poids."},
    "bundle.arch_mismatch": {"en": "{name}: the weights do not match the {kind} architecture.",
                             "fr": "{name} : les poids ne correspondent pas à l'architecture {kind}."},
    "bundle.shape_mismatch": {"en": "{name}: the weight {tensor} has the shape {shape}, expected {expected}.",
                              "fr": "{name} : le poids {tensor} a la forme {shape} au lieu de {expected}."},
    "bundle.nonfinite": {
        "en": "{name}: the weight {tensor} holds {count} NaN or infinite value(s); a model like this draws only "
              "black or garbage images, so it was not loaded.",
        "fr": "{name} : le poids {tensor} contient {count} valeur(s) NaN ou infinie(s) ; un tel modèle ne dessine "
              "que des images noires ou absurdes, il n'a donc pas été chargé."},
    # ---- data sets
    "data.not_found": {"en": "{path}: file not found.", "fr": "{path} : fichier introuvable."},
    "data.is_folder": {"en": "{path} is a folder; a data file was expected.",
                       "fr": "{path} est un dossier ; un fichier de données était attendu."},
    "data.not_regular": {"en": "{path} is not a regular file (a pipe or a device?); it was not opened.",
                         "fr": "{path} n'est pas un fichier ordinaire (un tube ou un périphérique ?) ; "
                               "il n'a pas été ouvert."},
    "data.unreadable": {"en": "{path} cannot be read (permissions?).",
                        "fr": "{path} ne peut pas être lu (droits d'accès ?)."},
    "data.gzip_damaged": {"en": "{path}: damaged or truncated gzip data.",
                          "fr": "{path} : données gzip endommagées ou tronquées."},
    "data.too_short": {"en": "{path} is too short to be an IDX file ({size} bytes).",
                       "fr": "{path} est trop court pour être un fichier IDX ({size} octets)."},
    "data.not_idx": {"en": "{path} is not an IDX file (magic number {magic}).",
                     "fr": "{path} n'est pas un fichier IDX (nombre magique {magic})."},
    "data.idx_dtype": {"en": "{path}: IDX data type {dtype} is not supported (only unsigned bytes, 0x08).",
                       "fr": "{path} : le type de données IDX {dtype} n'est pas pris en charge "
                             "(seulement les octets non signés, 0x08)."},
    "data.idx_magic": {"en": "{path}: magic number {magic} ({ndim} dimension(s)); {expected} were expected ({want}).",
                       "fr": "{path} : nombre magique {magic} ({ndim} dimension(s)) ; des {expected} étaient "
                             "attendues ({want})."},
    "data.idx_no_dims": {"en": "{path}: the IDX header declares 0 dimensions.",
                         "fr": "{path} : l'en-tête IDX déclare 0 dimension."},
    "data.idx_header_truncated": {"en": "{path}: truncated header ({size} bytes, {need} needed).",
                                  "fr": "{path} : en-tête tronqué ({size} octets, {need} nécessaires)."},
    "data.idx_truncated": {"en": "{path} is truncated: the header announces {dims} = {expected} bytes but only "
                                 "{actual} are present.",
                           "fr": "{path} est tronqué : l'en-tête annonce {dims} = {expected} octets mais seuls "
                                 "{actual} sont présents."},
    "data.idx_trailing": {"en": "{path}: unexpected bytes after the {expected} bytes of data.",
                          "fr": "{path} : octets inattendus après les {expected} octets de données."},
    "data.limit": {"en": "{path}: {limit} {value} exceeds the limit of {max}. Nothing was loaded.",
                   "fr": "{path} : {limit} {value} dépasse la limite de {max}. Rien n'a été chargé."},
    "data.count_mismatch": {"en": "{images} has {n_images} images but {labels} has {n_labels} labels.",
                            "fr": "{images} contient {n_images} images mais {labels} contient {n_labels} "
                                  "étiquettes."},
    "data.empty": {"en": "{path} contains no image ({dims}).", "fr": "{path} ne contient aucune image ({dims})."},
    "data.label_range": {"en": "{path}: the label {label} is out of range for {classes} classes.",
                         "fr": "{path} : l'étiquette {label} est hors limites pour {classes} classes."},
    "data.bad_arrays": {"en": "{name}: the images or labels have the wrong type or shape.",
                        "fr": "{name} : les images ou les étiquettes ont un type ou une forme incorrects."},
    "data.folder_missing": {"en": "{path} is not a folder.", "fr": "{path} n'est pas un dossier."},
    "data.folder_unreadable": {"en": "The folder {path} cannot be read (permissions?).",
                               "fr": "Le dossier {path} ne peut pas être lu (droits d'accès ?)."},
    "data.no_images": {"en": "{path}: no readable image found ({skipped} unreadable); expected {path}/<class>/"
                             "<image>.png.",
                       "fr": "{path} : aucune image lisible ({skipped} illisible(s)) ; attendu : {path}/<classe>/"
                             "<image>.png."},
    "data.too_few": {"en": "{path}: at least 2 images are needed, found {count}.",
                     "fr": "{path} : il faut au moins 2 images, {count} trouvée(s)."},
    "data.need_two_classes": {"en": "{path}: found {count} subfolder(s); two classes (two subfolders) are needed.",
                              "fr": "{path} : {count} sous-dossier(s) trouvé(s) ; il faut deux classes "
                                    "(deux sous-dossiers)."},
    # ---- single images (convolution lab)
    "image.not_found": {"en": "{path}: file not found.", "fr": "{path} : fichier introuvable."},
    "image.is_folder": {"en": "{path} is a folder, not an image.", "fr": "{path} est un dossier, pas une image."},
    "image.not_regular": {"en": "{path} is not a regular file (a pipe or a device?); it was not opened.",
                          "fr": "{path} n'est pas un fichier ordinaire (un tube ou un périphérique ?) ; "
                                "il n'a pas été ouvert."},
    "image.unreadable": {"en": "{path} cannot be read (permissions?).",
                         "fr": "{path} ne peut pas être lu (droits d'accès ?)."},
    "image.not_image": {"en": "{path} cannot be opened as an image.",
                        "fr": "{path} ne peut pas être ouvert comme une image."},
    "image.too_many_pixels": {"en": "{path}: {size} pixels exceed the limit of {max} pixels.",
                              "fr": "{path} : {size} pixels dépassent la limite de {max} pixels."},
    "image.sample_unreadable": {"en": "The bundled MNIST digits cannot be read ({path}).",
                                "fr": "Les chiffres MNIST fournis ne peuvent pas être lus ({path})."},
    "image.index": {"en": "Image {index} does not exist: there are {count} (0 to {last}).",
                    "fr": "L'image {index} n'existe pas : il y en a {count} (de 0 à {last})."},
    "image.patch": {"en": "A {rows}×{cols} patch does not fit in a {height}×{width} image.",
                    "fr": "Un morceau de {rows}×{cols} ne tient pas dans une image de {height}×{width}."},
    # ---- convolution geometry (what PyTorch would refuse), shown on the convolution pages
    "conv.kernel_empty": {"en": "the kernel must have at least one row and one column (it is {size})",
                          "fr": "le noyau doit avoir au moins une ligne et une colonne (il fait {size})"},
    "conv.input_empty": {"en": "the input must have at least one row and one column (it is {size})",
                         "fr": "l'entrée doit avoir au moins une ligne et une colonne (elle fait {size})"},
    "conv.stride": {"en": "the stride must be at least 1, not {value}",
                    "fr": "le pas doit valoir au moins 1, pas {value}"},
    "conv.padding": {"en": "the padding cannot be negative ({value})",
                     "fr": "le remplissage ne peut pas être négatif ({value})"},
    "conv.dilation": {"en": "the dilation must be at least 1, not {value}",
                      "fr": "la dilatation doit valoir au moins 1, pas {value}"},
    "conv.output_padding": {"en": "the output padding cannot be negative ({value})",
                            "fr": "le remplissage de sortie ne peut pas être négatif ({value})"},
    "conv.output_padding_plain": {"en": "output padding only exists for transposed convolutions",
                                  "fr": "le remplissage de sortie n'existe que pour les convolutions transposées"},
    "conv.kernel_too_big": {"en": "a {kernel} kernel does not fit in a {input} input with a padding of {padding}",
                            "fr": "un noyau {kernel} ne tient pas dans une entrée {input} avec un remplissage de "
                                  "{padding}"},
    "conv.dilated_kernel_too_big": {
        "en": "a {kernel} kernel with a dilation of {dilation} spans {span} and does not fit in a {input} input with "
              "a padding of {padding}",
        "fr": "un noyau {kernel} avec une dilatation de {dilation} couvre {span} et ne tient pas dans une entrée "
              "{input} avec un remplissage de {padding}"},
    "conv.output_padding_too_big": {"en": "the output padding ({output_padding}) must be smaller than the stride "
                                          "({stride}) or the dilation ({dilation})",
                                    "fr": "le remplissage de sortie ({output_padding}) doit être plus petit que le "
                                          "pas ({stride}) ou que la dilatation ({dilation})"},
    "conv.crops_everything": {"en": "a padding of {padding} crops everything: the transposed convolution of a {input} "
                                    "input by a {kernel} kernel is {full} before cropping, and removing {padding} on "
                                    "each side leaves {output}",
                              "fr": "un remplissage de {padding} rogne tout : la convolution transposée d'une entrée "
                                    "{input} par un noyau {kernel} fait {full} avant rognage, et retirer {padding} de "
                                    "chaque côté laisse {output}"},
}

#: Words filled into the sentences above (a limit's name, what was expected, a file's kind).
PARAM_TEXTS = {
    "err.limit.params": {"en": "the number of parameters", "fr": "le nombre de paramètres"},
    "err.limit.image_side": {"en": "the image side (pixels)", "fr": "le côté des images (pixels)"},
    "err.limit.channels": {"en": "the number of image channels", "fr": "le nombre de canaux de l'image"},
    "err.limit.layers": {"en": "the number of hidden layers", "fr": "le nombre de couches cachées"},
    "err.limit.conv_channels": {"en": "the number of convolution channels",
                                "fr": "le nombre de canaux de convolution"},
    "err.limit.bytes": {"en": "the size of the pixels (bytes)", "fr": "la taille des pixels (octets)"},
    "err.limit.count": {"en": "the number of images", "fr": "le nombre d'images"},
    "err.expected.s_whole": {"en": "a whole number", "fr": "un nombre entier"},
    "err.expected.s_number": {"en": "a number", "fr": "un nombre"},
    "err.expected.s_text": {"en": "a text", "fr": "un texte"},
    "err.expected.s_bool": {"en": "true or false", "fr": "vrai ou faux"},
    "err.expected.s_list": {"en": "a list", "fr": "une liste"},
    "err.expected.s_choice": {"en": "one of the listed choices", "fr": "l'un des choix proposés"},
    "err.expected.s_object": {"en": "a JSON object", "fr": "un objet JSON"},
    "err.expected.s_value": {"en": "a valid value", "fr": "une valeur valide"},
    "err.field.state": {"en": "page state", "fr": "état de la page"},
    "err.run.idle": {"en": "not started", "fr": "non lancé"},
    "err.run.running": {"en": "running", "fr": "en cours"},
    "err.run.paused": {"en": "paused", "fr": "en pause"},
    "err.run.done": {"en": "finished", "fr": "terminé"},
    "err.run.diverged": {"en": "diverged", "fr": "divergé"},
    "err.run.stopped": {"en": "stopped", "fr": "arrêté"},
    "err.expected.int": {"en": "a whole number between {lo} and {hi}", "fr": "un nombre entier entre {lo} et {hi}"},
    "err.expected.number": {"en": "a number between {lo} and {hi}", "fr": "un nombre entre {lo} et {hi}"},
    "err.expected.bool": {"en": "true or false", "fr": "true ou false"},
    "err.expected.text": {"en": "a text", "fr": "un texte"},
    "err.expected.choice": {"en": "one of {choices}", "fr": "l'une des valeurs {choices}"},
    "err.expected.int_list": {"en": "a list of whole numbers between {lo} and {hi}",
                              "fr": "une liste de nombres entiers entre {lo} et {hi}"},
    "err.expected.object": {"en": "a JSON object", "fr": "un objet JSON"},
    "err.expected.list": {"en": "a list", "fr": "une liste"},
    "err.expected.finite": {"en": "a finite number or null", "fr": "un nombre fini ou null"},
    "err.expected.noise": {"en": "null or a noise description (kind, level)",
                           "fr": "null ou une description du bruit (type, niveau)"},
    "err.kind.png": {"en": "a PNG image", "fr": "une image PNG"},
    "err.kind.jpeg": {"en": "a JPEG image", "fr": "une image JPEG"},
    "err.kind.gif": {"en": "a GIF image", "fr": "une image GIF"},
    "err.kind.pdf": {"en": "a PDF document", "fr": "un document PDF"},
    "err.kind.gzip": {"en": "a gzip file", "fr": "un fichier gzip"},
    "err.kind.idx": {"en": "an IDX image file", "fr": "un fichier d'images IDX"},
    "err.kind.unknown": {"en": "not a zip container", "fr": "ce n'est pas une archive zip"},
    "err.idx.images": {"en": "images (3 dimensions)", "fr": "images (3 dimensions)"},
    "err.idx.labels": {"en": "labels (1 dimension)", "fr": "étiquettes (1 dimension)"},
}

#: Page states (aeviz.state) and saved views (aeviz.core.viewfile).
ERROR_TEXTS.update({
    "state.bad_type": {"en": "{field}: invalid value (expected {expected}).",
                       "fr": "{field} : valeur invalide (attendu : {expected})."},
    "state.out_of_range": {"en": "{field} = {value} is outside the allowed range [{lo}, {hi}].",
                           "fr": "{field} = {value} est hors de l'intervalle permis [{lo} ; {hi}]."},
    "state.bad_choice": {"en": "{field}: “{value}” is not one of the possible choices.",
                         "fr": "{field} : « {value} » ne fait pas partie des choix possibles."},
    "state.bad_grid": {"en": "{field} must be a rectangle of numbers, at most {rows}×{cols}.",
                       "fr": "{field} doit être un rectangle de nombres, au plus {rows}×{cols}."},
    "state.unknown_field": {"en": "Unknown field(s) in the saved state: {field}.",
                            "fr": "Champ(s) inconnu(s) dans l'état enregistré : {field}."},
    "state.too_deep": {"en": "The saved state is nested too deeply.",
                       "fr": "L'état enregistré est imbriqué trop profondément."},
    "state.newer_version": {
        "en": "This page state was saved by a newer aeviz (version {version}); this one reads up to {supported}.",
        "fr": "Cet état de page a été enregistré par une version plus récente d'aeviz (version {version}) ; "
              "celle-ci lit jusqu'à la version {supported}."},
    "run.illegal": {"en": "A run cannot go from “{current}” to “{target}”.",
                    "fr": "Un entraînement ne peut pas passer de « {current} » à « {target} »."},
    "view.not_found": {"en": "{name}: file not found.", "fr": "{name} : fichier introuvable."},
    "view.is_folder": {"en": "{name} is a folder, not a saved view.",
                       "fr": "{name} est un dossier, pas une vue enregistrée."},
    "view.not_regular": {"en": "{name} is not a regular file (a pipe or a device?); it was not opened.",
                         "fr": "{name} n'est pas un fichier ordinaire (un tube ou un périphérique ?) ; "
                               "il n'a pas été ouvert."},
    "view.unreadable": {"en": "{name} cannot be read (permissions?).",
                        "fr": "{name} ne peut pas être lu (droits d'accès ?)."},
    "view.foreign": {"en": "{name} is not a saved aeviz view.", "fr": "{name} n'est pas une vue aeviz enregistrée."},
    "view.damaged": {"en": "{name} is damaged or truncated.", "fr": "{name} est endommagé ou tronqué."},
    "view.too_large": {"en": "{name} is implausibly large ({size} bytes; the limit is {limit}).",
                       "fr": "{name} est d'une taille invraisemblable ({size} octets ; la limite est {limit})."},
    "view.newer_version": {
        "en": "{name} was saved by a newer aeviz (format {version}); this version reads up to format {supported}.",
        "fr": "{name} a été enregistré par une version plus récente d'aeviz (format {version}) ; cette version "
              "lit jusqu'au format {supported}."},
    "view.unknown_page": {"en": "{name} shows a page this version of aeviz does not have ({page}).",
                          "fr": "{name} montre une page que cette version d'aeviz n'a pas ({page})."},
    "view.not_saveable": {"en": "This page has nothing to save.", "fr": "Cette page n'a rien à enregistrer."},
})

#: Lesson files (aeviz.state.lesson); a bad step's page-state error is told in ``detail``.
ERROR_TEXTS.update({
    "lesson.not_found": {"en": "{name}: file not found.", "fr": "{name} : fichier introuvable."},
    "lesson.is_folder": {"en": "{name} is a folder, not a lesson.", "fr": "{name} est un dossier, pas une leçon."},
    "lesson.not_regular": {"en": "{name} is not a regular file (a pipe or a device?); it was not opened.",
                           "fr": "{name} n'est pas un fichier ordinaire (un tube ou un périphérique ?) ; "
                                 "il n'a pas été ouvert."},
    "lesson.unreadable": {"en": "{name} cannot be read (permissions?).",
                          "fr": "{name} ne peut pas être lu (droits d'accès ?)."},
    "lesson.too_large": {"en": "{name} is implausibly large for a lesson (the limit is {limit} bytes).",
                         "fr": "{name} est d'une taille invraisemblable pour une leçon (la limite est de {limit} "
                               "octets)."},
    "lesson.damaged": {"en": "{name} is damaged or truncated (not a readable lesson file).",
                       "fr": "{name} est endommagé ou tronqué (ce n'est pas un fichier de leçon lisible)."},
    "lesson.foreign": {"en": "{name} is not an aeviz lesson.", "fr": "{name} n'est pas une leçon aeviz."},
    "lesson.newer_version": {
        "en": "{name} was made by a newer aeviz (format {version}); this version reads up to format {supported}.",
        "fr": "{name} a été créé par une version plus récente d'aeviz (format {version}) ; cette version lit "
              "jusqu'au format {supported}."},
    "lesson.no_steps": {"en": "{name}: a lesson has from 1 to {limit} steps.",
                        "fr": "{name} : une leçon compte de 1 à {limit} étapes."},
    "lesson.bad_title": {"en": "The lesson's title is invalid (it must be a short text in French and English).",
                         "fr": "Le titre de la leçon est invalide (il doit être un texte court en français et "
                               "en anglais)."},
    "lesson.bad_step": {"en": "Step {step}: invalid {part}.", "fr": "Étape {step} : {part} invalide."},
    "lesson.bad_state": {"en": "Step {step}: {detail}", "fr": "Étape {step} : {detail}"},
    "lesson.unknown_page": {"en": "this version of aeviz has no page “{page}”.",
                            "fr": "cette version d'aeviz n'a pas de page « {page} »."},
    "lesson.no_builtin": {"en": "This version of aeviz has no built-in lesson.",
                          "fr": "Cette version d'aeviz n'a pas de leçon intégrée."},
})
PARAM_TEXTS.update({
    "err.part.step": {"en": "step (a page and its state expected)", "fr": "étape (une page et son état attendus)"},
    "err.part.state_version": {"en": "state version", "fr": "version d'état"},
    "err.part.action": {"en": "action", "fr": "action"},
    "err.part.caption": {"en": "caption", "fr": "légende"},
})

add_strings({**{f"err.{code}": texts for code, texts in ERROR_TEXTS.items()}, **PARAM_TEXTS})

#: params whose value is a word to translate, and the catalogue prefix of its translations.
_WORD_PARAMS = {"limit": "err.limit.", "kind": "err.kind.", "expected": "err.expected.",
                "field": "err.field.", "current": "err.run.", "target": "err.run.", "part": "err.part."}


def _number(value: int) -> str:
    """Thousands grouped as each language writes them (1,000,000 / 1 000 000)."""
    text = f"{value:,}"
    return text.replace(",", "\u202f") if current_language() == "fr" else text


def _filled(exc: AevizError) -> dict[str, object]:
    params = {k: _number(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in exc.params.items()}
    for name, prefix in _WORD_PARAMS.items():
        word = exc.params.get(name)
        if isinstance(word, str) and has_key(prefix + word):
            params[name] = tr(prefix + word, **params)
    if exc.code == "data.idx_magic":
        params["expected"] = tr(f"err.idx.{exc.params.get('expected')}")
    if exc.code == "lesson.bad_state":
        nested = {k: v for k, v in exc.params.items() if k not in ("step", "state_code")}
        params["detail"] = describe_error(StateError(str(exc.params.get("state_code")), "", **nested))
    return params


def describe_error(exc: BaseException) -> str:
    """``exc`` in the user's language when the core gave it a code; its own message otherwise."""
    if isinstance(exc, AevizError) and has_key(f"err.{exc.code}"):
        try:
            return tr(f"err.{exc.code}", **_filled(exc))
        except (KeyError, IndexError, ValueError):  # a code raised with other params than its text expects
            return str(exc)
    return str(exc) or type(exc).__name__
