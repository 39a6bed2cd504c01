// Role map and rewriting: issue 3.
import DumpFormat
