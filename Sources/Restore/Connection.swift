import Ownership
