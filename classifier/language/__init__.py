"""Language: the features the model sees, the sentences evidence shows, the role traits."""
