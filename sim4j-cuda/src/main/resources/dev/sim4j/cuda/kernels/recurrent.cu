// The GRU cell and the AUGRU update, forward and backward.
