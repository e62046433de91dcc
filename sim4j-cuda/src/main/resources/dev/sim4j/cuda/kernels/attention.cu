// Attention and selection: batched dots, weighted sums, masked softmax, top-k, time gathers and the DIEN attention features.
