r"""Why the answers of the "check your understanding" questions are what they are.

``EXPLANATIONS`` maps the ``grade_id`` of a graded question to a short explanation in plain
prose. The lessons no longer carry these explanations (an answer shown next to its question
would be an answer given away in the student version); the feedback shows them after
grading instead.

Every key is the id of a registered test:

>>> from autograder.definitions import get_test
>>> sorted({get_test(grade_id).lesson for grade_id in EXPLANATIONS})[:2]
['lesson1_softmax_loss', 'lesson2_sympy_gradient']
"""

EXPLANATIONS = {
    # Lesson 1: softmax and the loss of one sample.
    "l1_loss_uniform": (
        "Equal logits give every class the same probability, a_k = 1/K, so the loss is "
        "-log(1/K) = log K: about 2.303 for K = 10. It is the loss of a model that knows "
        "nothing, and a useful check at the start of training: with K classes, expect a first "
        "loss near log K."
    ),
    "l1_probability_for_unit_loss": (
        "The loss -log a_y equals J exactly when log a_y = -J, that is a_y = exp(-J): about "
        "0.368 for J = 1, and 1 for J = 0. The larger the loss, the smaller the probability, "
        "and every loss J >= 0 belongs to exactly one probability."
    ),
    "l1_several_labels_best": (
        "The summed loss -sum of log a_k over the n labels is n times the cross-entropy with "
        "the target that gives 1/n to each label. The n probabilities share a total below "
        "one, and for a fixed total the sum of their negative logarithms is smallest when they "
        "are equal; the best case is 1/n each, with the other classes near 0. The loss then "
        "approaches n log n (3 log 3, about 3.296, for three labels) but never reaches it (the "
        "other classes would need probability exactly 0), and for n >= 2 never gets near zero. "
        "The cross-entropy with the normalised target has the same floor divided by n, log n, "
        "its entropy: what the sum adds is the factor n, the weight of the sample."
    ),
    "l1_dataset_nll": (
        "-log L = sum_i -log a_(i, y_i): about 3.011 nats for the four samples of section 3, "
        "whose likelihood is about 0.049; their mean loss J is that sum divided by 4. The "
        "logarithm turns the product into a sum, and a sum of -log a_(i, y_i) never "
        "underflows: 2000 samples with a_(i, y_i) near e^-1 have a likelihood near e^-2000, "
        "0 in float64, but a negative log-likelihood near 2000. Each term, computed as "
        "-z_(i, y_i) + m_i + log sum_k exp(z_(i, k) - m_i) with m_i the largest logit of row "
        "i, stays finite where a_(i, y_i) itself is 0. The same model maximises L and "
        "minimises the sum, and the mean: maximum likelihood is minimum cross-entropy."
    ),
    "l1_nats_to_bits": (
        "J / ln 2, that is J times log2 e, about 1.443 J: ln 8 nats are 3 bits, the loss of a "
        "uniform guess among 8 classes. A nat is the larger unit (the surprise of an outcome "
        "of probability 1/e, against 1/2 for a bit), so the same loss counts more bits than "
        "nats; J / ln 2 = -log a_y / ln 2 = -log2 a_y. Dividing a NumPy array divides every "
        "entry, so the same line converts one loss or many."
    ),
    # Lesson 2: the gradient in SymPy.
    "l2_gradient_sum": (
        "The entries are a_k - Y_k. The probabilities sum to one and the one-hot vector has a "
        "single one, so the entries sum to 1 - 1 = 0: what the gradient takes from the true "
        "class it gives to the others, and descent on the logits never changes their sum. "
        "With a soft target t that sums to one the sum is zero as well."
    ),
    "l2_true_class_entry_uniform": (
        "K equal logits give a_y = 1/K, so the true class's entry is a_y - 1 = 1/K - 1: "
        "-0.75 for K = 4. It is negative for every K: descent raises the true logit, and "
        "with more classes the push is closer to a full -1."
    ),
    # Lesson 4: suppress and encourage.
    "l4_step_signs": (
        "+1 for the label and -1 for every other class, whatever the logits: for "
        "z = (2, -1, 0.5, 3) and y = 1 that is (-1, +1, -1, -1). The gradient a - onehot(y) has a "
        "negative entry for the label and positive entries elsewhere at every z, and a step "
        "moves against it. That class 1 has the smallest logit changes the sizes of the steps, "
        "not their directions."
    ),
    "l4_first_step_rise": (
        "lr (1 - 1/K): K equal logits give a_0 = 1/K, and one step raises z_0 by "
        "lr (1 - a_0), 0.8 for K = 5 and lr = 1, while each of the K - 1 other logits falls by "
        "lr a_n = lr/K; the total change is zero."
    ),
    "l4_compete_threshold": (
        "1/|L|: 0.25 for four labels. A label's entry of the summed loss is |L| a_k - 1, "
        "positive once a_k > 1/|L|. It is |L| times the entry a_k - 1/|L| of the normalised "
        "target that gives 1/|L| to each label, so the same threshold holds for that soft "
        "target: past its share, a label is pushed back."
    ),
    # Lesson 5: softmax regression on digits.
    "l5_weight_gradient_shape": (
        "(D, K), the shape of W itself, whatever the number N of samples: one partial "
        "derivative per weight, (64, 10) for the digits. In the formula X^T (A - Y) / N, X^T has "
        "shape (D, N) and A - Y has shape (N, K); the samples are summed over."
    ),
    "l5_bias_gradient_sum": (
        "0. Each row a_i - Y_i sums to 1 - 1 = 0 (the probabilities sum to one, the one-hot "
        "row has a single one), so their mean does too. Descent never changes the sum of the "
        "biases, as it never changed the sum of the logits in lesson 4."
    ),
    "l5_initial_loss": (
        "log K, whatever the data: about 2.302585 for the 10 digits. Zero weights and biases "
        "give equal logits, so a_k = 1/K for every sample and class, and every sample's loss "
        "is -log(1/K). K is the number of classes of the model, n_classes, also when some "
        "class has no sample in y: counting the labels gives a smaller K. A first loss far "
        "from log K points to a bug or a bad initialisation."
    ),
    # Lesson 6: beyond one-hot targets.
    "l6_smoothed_gap": (
        "log((1 - eps + eps/K) / (eps/K)): the targets are t_y = 1 - eps + eps/K and "
        "t_n = eps/K. Descent stops where a = t, and a_y / a_n = exp(z_y - z_n), so the gap is "
        "log(t_y / t_n); for eps = 0.1 and K = 10 that is log(0.91 / 0.01) = log 91, about 4.511."
    ),
    "l6_binary_gradient": (
        "a_1 - y: -0.2 for a_1 = 0.8 and y = 1. With two classes the gradient is still "
        "prediction minus target; a negative sign says that descent raises z_1, and the size is "
        "what the prediction still misses."
    ),
    "l6_hot_probability": (
        "1/K: 0.25 for four classes. As T grows, z / T tends to zero: every logit looks the "
        "same and softmax gives 1/K to each of the K classes."
    ),
}
