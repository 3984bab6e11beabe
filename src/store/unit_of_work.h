// One API action, one transaction: RequestHandler opens a UnitOfWork around a handler
// and its audit record, so an action without its audit record cannot commit (issue 4)
// and a handler that fails half-way leaves nothing behind.
#pragma once

#include "store/repositories.h"

namespace haven {

class UnitOfWork {
 public:
  explicit UnitOfWork(Store& store) : store_(store) { store_.begin_unit(); }
  ~UnitOfWork() {
    if (!done_) store_.end_unit(false);  // an exception or no commit(): roll back
  }
  UnitOfWork(const UnitOfWork&) = delete;
  UnitOfWork& operator=(const UnitOfWork&) = delete;

  // Throws if the COMMIT fails; the writes are then rolled back.
  void commit() {
    done_ = true;
    store_.end_unit(true);
  }

 private:
  Store& store_;
  bool done_ = false;
};

}  // namespace haven
